# riskwatch version
VERSION = 0.1.0

# paths
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
PROGPREFIX = risk-

# flags
PKG_CONFIG = pkg-config
CC = cc
CPPFLAGS = -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
CFLAGS = -std=c11 -Wall -Wextra -Werror -O2 -g -pthread
LDFLAGS =
DEPCFLAGS = `$(PKG_CONFIG) --cflags jansson nettle`
MHDCFLAGS = `$(PKG_CONFIG) --cflags libmicrohttpd`
MHDLIBS = `$(PKG_CONFIG) --libs libmicrohttpd`
# the reference BLAS that scipy's BLAS calls (Debian's libblas.so.3)
BLASLIBS = -lblas
DEPLIBS = `$(PKG_CONFIG) --libs jansson nettle` -lcsv $(BLASLIBS) -lm -lpthread

# sanitizers, for make check-asan
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# libFuzzer, for make fuzz (clang only)
FUZZCC = clang
FUZZFLAGS = -std=c11 -Wall -Wextra -Werror -g -O1 -pthread \
	-fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
