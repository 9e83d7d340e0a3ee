/* the ceiling: libmicrohttpd answering a constant body, as serve is set up */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url, const char *m,
    const char *v, const char *data, size_t *size, void **req)
{
	static const char body[] = "{\"status\":\"ok\"}";
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)cls, (void)url, (void)m, (void)v, (void)data, (void)size;
	if (*req == NULL) {
		*req = c;
		return MHD_YES;
	}
	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
	    MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	sigset_t s;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(argc > 1 ? atoi(argv[1]) : 8001);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGINT);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
	    answer, NULL, MHD_OPTION_SOCK_ADDR, &sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)sysconf(_SC_NPROCESSORS_ONLN),
	    MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
	if (d == NULL)
		return 1;
	printf("%u\n", MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
	fflush(stdout);
	sigwait(&s, &sig);
	MHD_stop_daemon(d);
	return 0;
}
