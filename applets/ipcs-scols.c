/* Loading libsmartcols.so.1 on demand (ipcs-scols.h). */
#include "ipcs-scols.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

/* Where the real header is visible, each pointer must have the type of the
 * function it will hold: a wrong declaration above is a compile error here. */
#if defined(__has_include)
#if __has_include(<libsmartcols/libsmartcols.h>)
#include <libsmartcols/libsmartcols.h>
#define IB_SCOLS_CHECK(ret, name, params) \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&scols_##name), \
						    ret(*) params), \
		       "scols_" #name " is declared wrong in ipcs-scols.h");
IB_SCOLS_FUNCS(IB_SCOLS_CHECK)
_Static_assert((int)SCOLS_FL_TRUNC == (int)IB_SCOLS_FL_TRUNC &&
		       (int)SCOLS_FL_RIGHT == (int)IB_SCOLS_FL_RIGHT &&
		       (int)SCOLS_JSON_STRING == (int)IB_SCOLS_JSON_STRING &&
		       (int)SCOLS_JSON_NUMBER == (int)IB_SCOLS_JSON_NUMBER,
	       "libsmartcols constants differ");
#endif
#endif

#define IB_SCOLS_NAME(ret, name, params) \
	{ "scols_" #name, offsetof(struct ib_scols, name) },
static const struct {
	const char *symbol;
	size_t at;
} symbols[] = { IB_SCOLS_FUNCS(IB_SCOLS_NAME) };

const struct ib_scols *ib_scols(const char **why)
{
	static struct ib_scols fns;
	static const struct ib_scols *loaded;
	static char reason[256];
	if (loaded || reason[0]) {
		*why = reason;
		return loaded;
	}
	/* A static binary (no program interpreter: AT_BASE is 0) must not load
	 * it: glibc's static dlopen would bring a second C library whose stdout
	 * is not ours (the table would be lost at exit); musl's cannot at all. */
	if (getauxval(AT_BASE) == 0) {
		snprintf(reason, sizeof reason,
			 "cannot load libsmartcols.so.1: this ipcbox is a static build");
		*why = reason;
		return NULL;
	}
	void *lib = dlopen("libsmartcols.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *e = dlerror();
		snprintf(reason, sizeof reason, "cannot load libsmartcols.so.1: %s",
			 e ? e : "dlopen failed");
		*why = reason;
		return NULL;
	}
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		void *f = dlsym(lib, symbols[i].symbol);
		if (!f) {
			snprintf(reason, sizeof reason, "libsmartcols.so.1 has no %s (too old)",
				 symbols[i].symbol);
			*why = reason;
			return NULL; /* the library stays loaded: it is not used */
		}
		/* POSIX: a function pointer has the representation dlsym returns */
		memcpy((char *)&fns + symbols[i].at, &f, sizeof f);
	}
	*why = NULL;
	return loaded = &fns;
}
