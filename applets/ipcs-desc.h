/* What ipcs shows, as data: for each kind of object, the cells of each view (the
 * columns of a listing, the lines of -i, -l and -u) and its member in --json
 * output. ipcs.c prints any of them with one routine; a change of layout is a
 * change here. */
#ifndef IPCBOX_IPCS_DESC_H
#define IPCBOX_IPCS_DESC_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/kind.h"

/* The views: -c, -t, -p, --processes, -l, -u, or the default listing. */
enum format { F_DEFAULT, F_CREATOR, F_TIME, F_PID, F_PROCESSES, F_LIMITS, F_STATUS };
#define NVIEWS (F_STATUS + 1)
enum unit { U_DEFAULT, U_BYTES, U_KB, U_HUMAN };

/* How a cell's value is read from its record and written as text. */
enum cell_type {
	C_KEY, C_INT, C_UINT, C_U64, C_LONG, /* key_t (0x%08x), int or pid_t, unsigned, ... */
	C_PERMS, C_MODE, C_ACCESS, /* a mode: its permission bits octal, whole %#o, bits %#o */
	C_USER, C_GROUP,  /* uid_t, gid_t: the name, else the number */
	C_SIZE,           /* uint64_t bytes, in the unit asked for */
	C_TIME, C_LTIME,  /* int64_t: ctime less the weekday (16 shown) or whole; "Not set" */
	C_CTIME, C_MTIME, /* the whole ctime even of 0; as C_TIME, a non-date whole */
	C_PROC,           /* pid_t: the process's name, "(dead)", or "-" for none */
	C_FLAG,           /* WORD if the mode has BIT, else " " */
	C_STALE, C_USERS, /* --processes: "yes"/"no"/"?"; " PID:NAME"... or " -" or " ?" */
	C_NAME, C_PAGES,  /* a POSIX name (control characters as '?'); its pages in memory */
	C_ULONG, C_SIZET, /* -l and -u: unsigned long, size_t */
	C_BYTES, C_IBYTES, /* uint64_t, int bytes: "LABEL (bytes) = N" in the unit asked for */
	C_SHMALL,         /* the pages of shared memory allowed, as bytes or kbytes */
	C_PAGE_BYTES,     /* the page size (JSON only) */
};

/* With --human some cells change (their title, or right-aligned sizes). */
enum when { ALWAYS, HUMAN, NOT_HUMAN };

struct cell {
	const char *title; /* in the header line (NULL: none) */
	const char *fmt;   /* prints the value's text: one %s, with the separators */
	enum cell_type type;
	size_t at;         /* where the value is in the record (offsetof) */
	const char *head;  /* prints the title, if not as FMT */
	size_t known;      /* offsetof a bool that says if the value is known (0: it is) */
	enum when when;
	unsigned bit;      /* C_FLAG */
	const char *word;
	enum unit unit;    /* C_BYTES, C_IBYTES: the unit unless one is asked for
			    * (U_DEFAULT: "LABEL = N bytes") */
	bool if_set;       /* -u: shown only if not 0 */
};

/* A view: a titled table (or -i's lines), its cells ended by one without a format. */
struct view {
	const char *title; /* "------ TITLE --------" */
	const struct cell *cells; /* NULL: the view prints nothing */
	const char *fail;  /* -l, -u: what to say when the kernel does not answer */
};

/* A kind of object: its record, its views and its member in --json output. */
struct kind {
	bool posix;
	enum ib_kind kind;
	size_t size;               /* of its record */
	const char *json;
	struct view views[NVIEWS]; /* POSIX kinds: a default and a processes view */
	struct view detail;        /* -i */
};

/* Indexed by enum ib_kind. */
extern const struct kind ib_ipcs_sysv[IB_NKINDS], ib_ipcs_posix[IB_NKINDS];

#endif
