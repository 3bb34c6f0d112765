/* abortOnClose(fd): SO_LINGER with a zero timeout, which Node has no API for (it offers only
 * resetAndDestroy(), at the moment of closing). However the socket is closed from then on, by relay or by
 * the kernel when relay's process dies (SIGKILL included), the peer gets a reset instead of a FIN, so its
 * next write fails and it reconnects and sends again, instead of writing into a session nobody reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <node_api.h>

static napi_value abort_on_close(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    int32_t fd;
    if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
    if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
        napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "abortOnClose(fd): fd must be a non-negative integer");
        return NULL;
    }
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) != 0) {
        const char *name = strerrorname_np(errno);
        napi_throw_error(env, name ? name : "EUNKNOWN", strerror(errno));
        return NULL;
    }
    return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
    napi_value fn;
    if (napi_create_function(env, "abortOnClose", NAPI_AUTO_LENGTH, abort_on_close, NULL, &fn) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, "abortOnClose", fn) != napi_ok) return NULL;
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
