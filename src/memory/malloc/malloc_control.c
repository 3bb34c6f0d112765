/* glibc's allocator controls that Node does not expose: limitArenas(n) caps the number of malloc arenas
 * (mallopt M_ARENA_MAX), releaseFree() hands free pages inside the arenas back to the kernel (malloc_trim).
 * Elsewhere than glibc (musl) both do nothing and return false. */
#include <stdbool.h>

#include <node_api.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

static napi_value boolean(napi_env env, bool v) {
    napi_value out;
    if (napi_get_boolean(env, v, &out) != napi_ok) return NULL;
    return out;
}

static napi_value limit_arenas(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    int32_t n;
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
    if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) {
        napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "limitArenas(n): n must be a positive integer");
        return NULL;
    }
#ifdef __GLIBC__
    return boolean(env, mallopt(M_ARENA_MAX, n) == 1);
#else
    return boolean(env, false);
#endif
}

static napi_value release_free(napi_env env, napi_callback_info info) {
    (void)info;
#ifdef __GLIBC__
    return boolean(env, malloc_trim(0) == 1);
#else
    return boolean(env, false);
#endif
}

static napi_value init(napi_env env, napi_value exports) {
    napi_value fn;
    if (napi_create_function(env, "limitArenas", NAPI_AUTO_LENGTH, limit_arenas, NULL, &fn) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, "limitArenas", fn) != napi_ok) return NULL;
    if (napi_create_function(env, "releaseFree", NAPI_AUTO_LENGTH, release_free, NULL, &fn) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, "releaseFree", fn) != napi_ok) return NULL;
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
