/* peerCred(fd): the pid/uid/gid of the process at the other end of a Unix socket (SO_PEERCRED), which
 * Node has no API for. Relay uses it to accept sudo events only from root. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <node_api.h>

static napi_value throw_errno(napi_env env, int err) {
    char code[32];
    const char *name = strerrorname_np(err);
    strncpy(code, name ? name : "EUNKNOWN", sizeof(code) - 1);
    code[sizeof(code) - 1] = '\0';
    napi_throw_error(env, code, strerror(err));
    return NULL;
}

static napi_value set_uint(napi_env env, napi_value obj, const char *key, unsigned int v) {
    napi_value num;
    if (napi_create_uint32(env, v, &num) != napi_ok) return NULL;
    if (napi_set_named_property(env, obj, key, num) != napi_ok) return NULL;
    return obj;
}

static napi_value peer_cred(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    int32_t fd;
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
    if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
        napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "peerCred(fd): fd must be a non-negative integer");
        return NULL;
    }
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return throw_errno(env, errno);
    napi_value obj;
    if (napi_create_object(env, &obj) != napi_ok) return NULL;
    if (set_uint(env, obj, "pid", (unsigned int)cred.pid) == NULL || set_uint(env, obj, "uid", cred.uid) == NULL ||
        set_uint(env, obj, "gid", cred.gid) == NULL)
        return NULL;
    return obj;
}

static napi_value init(napi_env env, napi_value exports) {
    napi_value fn;
    if (napi_create_function(env, "peerCred", NAPI_AUTO_LENGTH, peer_cred, NULL, &fn) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, "peerCred", fn) != napi_ok) return NULL;
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
