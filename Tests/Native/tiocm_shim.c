// Test-only LD_PRELOAD shim: a pty has no modem lines, so TIOCMGET/TIOCMSET/TIOCMBIS/
// TIOCMBIC fail with ENOTTY, and libserialport refuses to open it. Real USB serial
// adapters have modem lines and need none of this (ENVIRONMENT.md, "Serial without hardware").
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>

int ioctl(int fd, unsigned long request, ...) {
    static int (*real_ioctl)(int, unsigned long, ...) = 0;
    if (!real_ioctl) real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    va_list args;
    va_start(args, request);
    void *arg = va_arg(args, void *);
    va_end(args);
    int result = real_ioctl(fd, request, arg);
    if (result < 0 && errno == ENOTTY &&
        (request == TIOCMGET || request == TIOCMSET || request == TIOCMBIS || request == TIOCMBIC)) {
        if (request == TIOCMGET && arg) *(int *)arg = TIOCM_DSR | TIOCM_CTS | TIOCM_CAR;
        errno = 0;
        return 0;
    }
    return result;
}
