/* other programs: run and waited for, found next to the running one */
#define _GNU_SOURCE	/* pipe2 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

extern char **environ;

/* the environment, with LC_ALL=C.UTF-8 so that output parses the same
 * anywhere and text stays UTF-8 */
static char **
cenv(void)
{
	size_t n = 0, i, k = 0;
	char **e;

	while (environ[n] != NULL)
		n++;
	e = emalloc((n + 2) * sizeof(*e));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "LC_ALL=", 7) != 0)
			e[k++] = environ[i];
	e[k++] = "LC_ALL=C.UTF-8";
	e[k] = NULL;
	return e;
}

int
spawn(char *const argv[], char **out, int flags)
{
	return spawn_in(NULL, argv, out, flags);
}

int
spawn_in(const char *dir, char *const argv[], char **out, int flags)
{
	posix_spawn_file_actions_t fa;
	char **env = cenv(), *buf = NULL;
	size_t len = 0, cap = 0;
	int fd[2] = { -1, -1 }, st, err;
	ssize_t n;
	pid_t pid;

	if (out != NULL && pipe2(fd, O_CLOEXEC) == -1) {
		free(env);
		return seterr("pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out != NULL)
		posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	else if (flags & SPAWN_OUTNULL)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null",
		    O_WRONLY, 0);
	if (flags & SPAWN_ERRNULL)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null",
		    O_WRONLY, 0);
	if (dir != NULL)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (out != NULL)
		close(fd[1]);
	if (err != 0) {
		if (out != NULL)
			close(fd[0]);
		seterr("%s: %s", argv[0], strerror(err));
		errno = err;
		return -1;
	}
	if (out != NULL) {
		for (;;) {
			if (cap - len < 4096)
				buf = erealloc(buf, cap = 2 * cap + 4096);
			n = read(fd[0], buf + len, cap - len - 1);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += n;
		}
		close(fd[0]);
		buf[len] = '\0';
		*out = buf;
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			if (out != NULL) {
				free(buf);
				*out = NULL;
			}
			return seterr("%s: wait: %s", argv[0], strerror(errno));
		}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	/* posix_spawnp reports a failed exec as status 127 on some systems */
	return WEXITSTATUS(st);
}
