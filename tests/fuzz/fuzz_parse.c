/* libFuzzer target for the core parsers: every input must parse or be refused,
 * never crash, overflow or break the documented bounds. `make fuzz` runs it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/object.h"
#include "ipc/parse.h"
#include "ipc/quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	uint64_t u;
	int64_t i;
	mode_t m;
	key_t k;
	int id;
	if (ib_parse_u64(s, 0, 10, 1000, &u) == IB_PARSE_OK && (u < 10 || u > 1000))
		abort();
	if (ib_parse_i64(s, -5, 5, &i) == IB_PARSE_OK && (i < -5 || i > 5))
		abort();
	if (ib_parse_size(s, 1u << 30, &u) == IB_PARSE_OK && u > (1u << 30))
		abort();
	(void)ib_parse_duration(s, &u);
	if (ib_parse_mode(s, 0644, 022, &m) && (m & ~07777u))
		abort();
	(void)ib_parse_key(s, &k);
	if (ib_parse_id(s, &id) && id < 0)
		abort();
	(void)ib_posix_name_error(s);
	(void)ib_quote(s);
	free(s);
	return 0;
}
