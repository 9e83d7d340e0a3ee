/* outputs written to a temp file in the same folder, then renamed over */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "risk.h"

int
atomic_fsync_dir(const char *path)
{
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
		return seterr("%s: %s", path, strerror(errno));
	r = fsync(fd);
	close(fd);
	if (r == -1 && errno != EINVAL)
		return seterr("%s: fsync: %s", path, strerror(errno));
	return 0;
}

int
atomic_fsync_file(const char *path)
{
	int fd, r;

	if ((fd = open(path, O_RDONLY)) == -1)
		return seterr("%s: %s", path, strerror(errno));
	r = fsync(fd);
	close(fd);
	if (r == -1)
		return seterr("%s: fsync: %s", path, strerror(errno));
	return 0;
}

/* the umask, read once: umask() can only be read by setting it, which is
 * not safe once threads may create files */
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;
static mode_t umask_value;

static void
umask_read(void)
{
	umask_value = umask(0);
	umask(umask_value);
}

void
atomic_start(void)
{
	pthread_once(&umask_once, umask_read);
}

/* the mode of an ordinary new file */
unsigned
atomic_mode(void)
{
	atomic_start();
	return 0666 & ~umask_value;
}

/* mkdtemp, the folder then made as mkdir would make it: 0777 less the
 * umask, not mkdtemp's 0700 */
int
atomic_mkdtemp(char *tmpl)
{
	atomic_start();
	if (mkdtemp(tmpl) == NULL)
		return seterr("%s: %s", tmpl, strerror(errno));
	if (chmod(tmpl, 0777 & ~umask_value) == -1) {
		seterr("%s: %s", tmpl, strerror(errno));
		rmdir(tmpl);
		return -1;
	}
	return 0;
}

/* the temp names of path's output: ".tmp.NAME." and six characters that
 * mkstemp picks; NAME is cut so that the whole fits in a file name */
static void
tmpprefix(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	snprintf(buf, size, ".tmp.%.200s.", base);
}

int
atomic_open(struct atomic *a, const char *path)
{
	char *dir = path_dir(path), pre[224];
	size_t n = strlen(dir) + sizeof(pre) + 8;
	int fd;

	tmpprefix(path, pre, sizeof(pre));
	a->path = estrdup(path);
	a->tmp = emalloc(n);
	snprintf(a->tmp, n, "%s/%sXXXXXX", dir, pre);
	free(dir);
	a->fp = NULL;
	if ((fd = mkstemp(a->tmp)) == -1) {
		seterr("%s: cannot create a temp file: %s", path,
		    strerror(errno));
		goto fail;
	}
	/* mkstemp makes 0600; outputs are ordinary files */
	fchmod(fd, atomic_mode());
	if ((a->fp = fdopen(fd, "w")) == NULL) {
		seterr("%s: %s", a->tmp, strerror(errno));
		close(fd);
		unlink(a->tmp);
		goto fail;
	}
	return 0;
fail:
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	return -1;
}

/*
 * An exclusive lock on a folder, held until the process ends (the
 * descriptor is left open): one writer at a time, so that the temp files
 * a writer finds there are those of killed runs, never a live one's.
 */
int
atomic_lock(const char *dir)
{
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return seterr("%s: %s", dir, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int e = errno;

		close(fd);
		if (e == EWOULDBLOCK)
			return seterr("%s: another run is writing here",
			    dir);
		return seterr("%s: lock: %s", dir, strerror(e));
	}
	return 0;
}

/* removes the temp files that killed runs left of path's output (the
 * caller holds atomic_lock on its folder); the number removed, or -1 */
int
atomic_sweep(const char *path)
{
	static const char mkstemp_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	char *dir = path_dir(path), pre[224];
	struct dirent *e;
	size_t n;
	DIR *d;
	int fd, count = 0, r = 0;

	tmpprefix(path, pre, sizeof(pre));
	n = strlen(pre);
	if ((d = opendir(dir)) == NULL) {
		r = seterr("%s: %s", dir, strerror(errno));
		free(dir);
		return r;
	}
	fd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, pre, n) != 0 ||
		    strlen(e->d_name + n) != 6 ||
		    strspn(e->d_name + n, mkstemp_chars) != 6)
			continue;
		if (unlinkat(fd, e->d_name, 0) == 0)
			count++;
		else if (errno != ENOENT) {
			r = seterr("%s/%s: %s", dir, e->d_name,
			    strerror(errno));
			break;
		}
	}
	closedir(d);
	free(dir);
	return r == -1 ? -1 : count;
}

/* flushed, synced and closed: what is left is the rename */
int
atomic_sync(struct atomic *a)
{
	int r = 0;

	if (a->fp == NULL)
		return 0;
	if (fflush(a->fp) == EOF || ferror(a->fp))
		r = seterr("%s: write: %s", a->path, strerror(errno));
	else if (fsync(fileno(a->fp)) == -1)
		r = seterr("%s: fsync: %s", a->path, strerror(errno));
	if (fclose(a->fp) == EOF && r == 0)
		r = seterr("%s: close: %s", a->path, strerror(errno));
	a->fp = NULL;
	if (r == -1)
		atomic_abort(a);
	return r;
}

int
atomic_commit(struct atomic *a)
{
	char *dir;
	int r;

	if (atomic_sync(a) == -1)
		return -1;
	if (rename(a->tmp, a->path) == -1) {
		r = seterr("%s: rename: %s", a->path, strerror(errno));
		atomic_abort(a);
		return r;
	}
	/* renamed: the new content is in place whatever follows */
	dir = path_dir(a->path);
	r = atomic_fsync_dir(dir);
	free(dir);
	free(a->path);
	free(a->tmp);
	a->path = a->tmp = NULL;
	return r;
}

void
atomic_abort(struct atomic *a)
{
	if (a->fp != NULL)
		fclose(a->fp);
	if (a->tmp != NULL)
		unlink(a->tmp);
	free(a->path);
	free(a->tmp);
	a->fp = NULL;
	a->path = a->tmp = NULL;
}

int
atomic_write(const char *path, const char *data, size_t len)
{
	struct atomic a;

	if (atomic_open(&a, path) == -1)
		return -1;
	if (len > 0 && fwrite(data, 1, len, a.fp) != len) {
		seterr("%s: write: %s", path, strerror(errno));
		atomic_abort(&a);
		return -1;
	}
	return atomic_commit(&a);
}

int
atomic_copy(const char *src, const char *dst)
{
	char *data;
	size_t len;
	int r;

	if ((data = path_slurp(src, &len)) == NULL)
		return -1;
	r = atomic_write(dst, data, len);
	free(data);
	return r;
}
