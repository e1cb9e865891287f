/*
 * Closing a GSocket under a thread blocked on it. close(2) does not wake a poll(2) in progress, and the freed
 * descriptor number can be reused by the next socket while that poll still names it. So the binding never frees
 * the number while someone may be inside: shutdown(2) wakes every poller, and a dead socket is dup'ed over the
 * number, so that every call still on its way fails at once instead of reading a stranger's descriptor. The
 * number itself is freed by g_socket_close when the GSocket is finalized, i.e. once nobody holds the object.
 */
#define _GNU_SOURCE /* dup3 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdtls_glue.h"
#include "glue_internal.h"

/* A socket that fails every call: recv gives ENOTCONN, send EPIPE (GSocket sends with MSG_NOSIGNAL), poll HUP. */
static int dead_socket(void)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  return fd;
}

GDTLS_EXPORT int gdtls_socket_shut(GSocket *socket)
{
  g_return_val_if_fail(G_IS_SOCKET(socket), -EINVAL);
  int fd = g_socket_get_fd(socket);
  if (fd < 0)
    return 0; /* g_socket_close already ran */
  shutdown(fd, SHUT_RDWR); /* wakes pollers; ENOTCONN on an unconnected socket, which wakes them all the same */
  int dead = dead_socket();
  if (dead < 0)
    return -errno;
  int result = 0;
  while (dup3(dead, fd, O_CLOEXEC) < 0)
    {
      if (errno != EINTR && errno != EBUSY)
        {
          result = -errno;
          break;
        }
    }
  close(dead);
  return result;
}
