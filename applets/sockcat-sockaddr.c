/* Socket address spelling: parse, resolve, print. See sockaddr.h. */
#include "sockcat-sockaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *scheme;
	int family, type;
} schemes[] = {
	{ "tcp", AF_UNSPEC, SOCK_STREAM },   { "tcp4", AF_INET, SOCK_STREAM },
	{ "tcp6", AF_INET6, SOCK_STREAM },   { "udp", AF_UNSPEC, SOCK_DGRAM },
	{ "udp4", AF_INET, SOCK_DGRAM },     { "udp6", AF_INET6, SOCK_DGRAM },
	{ "unix", AF_UNIX, SOCK_STREAM },    { "unix-stream", AF_UNIX, SOCK_STREAM },
	{ "unix-dgram", AF_UNIX, SOCK_DGRAM }, { "unix-seqpacket", AF_UNIX, SOCK_SEQPACKET },
};

bool ib_sockspec_is_address(const char *text)
{
	const char *colon = strchr(text, ':');
	if (!colon)
		return false;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strlen(schemes[i].scheme) == (size_t)(colon - text) &&
		    strncmp(schemes[i].scheme, text, (size_t)(colon - text)) == 0)
			return true;
	return false;
}

const char *ib_sockspec_unix(const char *path, int type, struct ib_sockspec *out)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_UNIX;
	out->type = type;
	out->un.sun_family = AF_UNIX;
	size_t len = strlen(path);
	if (len == 0)
		return "empty UNIX socket path";
	if (len > sizeof(out->un.sun_path) - (path[0] == '@' ? 0 : 1))
		return "UNIX socket path too long";
	memcpy(out->un.sun_path, path, len);
	if (path[0] == '@') {
		out->abstract = true;
		out->un.sun_path[0] = '\0';
	}
	out->unlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
				 (out->abstract ? 0 : 1));
	return NULL;
}

/* A number 0-65535, or something a service name can be (RFC 6335: letters, digits
 * and inner hyphens): "-1" is malformed, not a name the resolver does not know. */
static bool valid_port(const char *p)
{
	if (*p == '\0' || *p == '-' || p[strlen(p) - 1] == '-')
		return false;
	bool digits = true;
	for (const char *c = p; *c; c++) {
		if (!isdigit((unsigned char)*c))
			digits = false;
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_')
			return false;
	}
	if (digits) {
		if (strlen(p) > 5)
			return false;
		long v = strtol(p, NULL, 10);
		return v <= 65535;
	}
	return true;
}

const char *ib_sockspec_inet(const char *host, const char *port, int family, int type,
			     struct ib_sockspec *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->type = type;
	if (!host)
		host = "";
	if (strlen(host) >= sizeof(out->host))
		return "host name too long";
	if (!valid_port(port))
		return "bad port (a number 0-65535 or a service name)";
	strcpy(out->host, host);
	strcpy(out->port, port);
	return NULL;
}

/* Whether P, alone after "tcp:", is meant as a port: digits or a known service name. */
static bool port_like(const char *p, int type)
{
	if (*p && strspn(p, "0123456789") == strlen(p))
		return true;
	return getservbyname(p, type == SOCK_DGRAM ? "udp" : "tcp") != NULL;
}

static const char *expected_host_port(const char *scheme)
{
	static char why[64];
	snprintf(why, sizeof(why), "expected %s:HOST:PORT (or %s:PORT)", scheme, scheme);
	return why;
}

const char *ib_sockspec_parse(const char *text, struct ib_sockspec *out)
{
	const char *colon = strchr(text, ':');
	if (!colon)
		return "no address type (tcp:, udp:, unix:, ...)";
	size_t slen = (size_t)(colon - text);
	const char *rest = colon + 1;
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strlen(schemes[i].scheme) != slen || strncmp(schemes[i].scheme, text, slen) != 0)
			continue;
		if (schemes[i].family == AF_UNIX)
			return ib_sockspec_unix(rest, schemes[i].type, out);
		char host[256];
		const char *port;
		if (rest[0] == '[') {
			const char *close = strchr(rest, ']');
			if (!close || close[1] != ':')
				return "expected [IPV6-ADDRESS]:PORT";
			size_t hl = (size_t)(close - rest - 1);
			if (hl == 0 || hl >= sizeof(host))
				return "bad IPv6 address";
			memcpy(host, rest + 1, hl);
			host[hl] = '\0';
			port = close + 2;
		} else {
			const char *last = strrchr(rest, ':');
			if (!last) {
				host[0] = '\0'; /* tcp:PORT */
				port = rest;
				if (!port_like(port, schemes[i].type)) /* tcp:localhost */
					return expected_host_port(schemes[i].scheme);
			} else {
				size_t hl = (size_t)(last - rest);
				if (memchr(rest, ':', hl))
					return "an IPv6 address needs brackets: [ADDRESS]:PORT";
				if (hl >= sizeof(host))
					return "host name too long";
				memcpy(host, rest, hl);
				host[hl] = '\0';
				port = last + 1;
			}
		}
		return ib_sockspec_inet(host, port, schemes[i].family, schemes[i].type, out);
	}
	return "unknown address type (tcp, tcp4, tcp6, udp, udp4, udp6, unix, unix-dgram, "
	       "unix-seqpacket)";
}

static const char *scheme_of(int family, int type)
{
	if (family == AF_UNIX)
		return type == SOCK_DGRAM ? "unix-dgram" : type == SOCK_SEQPACKET ? "unix-seqpacket" : "unix";
	bool tcp = type == SOCK_STREAM;
	if (family == AF_INET)
		return tcp ? "tcp4" : "udp4";
	if (family == AF_INET6)
		return tcp ? "tcp6" : "udp6";
	return tcp ? "tcp" : "udp";
}

static const char *format_unix(const struct sockaddr_un *un, socklen_t len, int type, char *buf,
			       size_t buflen)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);
	const char *s = scheme_of(AF_UNIX, type);
	if (len <= off) {
		snprintf(buf, buflen, "%s:(unnamed)", s);
		return buf;
	}
	size_t n = len - off;
	if (un->sun_path[0] == '\0') {
		/* abstract: print NULs inside the name as '@' too */
		char name[sizeof(un->sun_path) + 1];
		for (size_t i = 1; i < n && i < sizeof(un->sun_path); i++)
			name[i - 1] = un->sun_path[i] ? un->sun_path[i] : '@';
		name[n - 1 < sizeof(un->sun_path) ? n - 1 : sizeof(un->sun_path) - 1] = '\0';
		snprintf(buf, buflen, "%s:@%s", s, name);
	} else {
		snprintf(buf, buflen, "%s:%.*s", s, (int)strnlen(un->sun_path, n), un->sun_path);
	}
	return buf;
}

const char *ib_sockspec_format(const struct ib_sockspec *spec, char *buf, size_t len)
{
	if (spec->family == AF_UNIX)
		return format_unix(&spec->un, spec->unlen, spec->type, buf, len);
	const char *s = scheme_of(spec->family, spec->type);
	if (strchr(spec->host, ':'))
		snprintf(buf, len, "%s:[%s]:%s", s, spec->host, spec->port);
	else
		snprintf(buf, len, "%s:%s:%s", s, spec->host, spec->port);
	return buf;
}

const char *ib_sockaddr_format(const struct sockaddr *sa, socklen_t len, int type, char *buf,
			       size_t buflen)
{
	char host[INET6_ADDRSTRLEN];
	const char *s = type == SOCK_STREAM ? "tcp" : "udp";
	switch (sa->sa_family) {
	case AF_UNIX:
		return format_unix((const struct sockaddr_un *)(const void *)sa, len, type, buf, buflen);
	case AF_INET: {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, buflen, "%s:%s:%u", s, host, ntohs(in->sin_port));
		return buf;
	}
	case AF_INET6: {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], host, sizeof(host));
			snprintf(buf, buflen, "%s:%s:%u", s, host, ntohs(in6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
			snprintf(buf, buflen, "%s:[%s]:%u", s, host, ntohs(in6->sin6_port));
		}
		return buf;
	}
	default:
		snprintf(buf, buflen, "(address family %d)", sa->sa_family);
		return buf;
	}
}

int ib_sockspec_resolve(const struct ib_sockspec *spec, bool passive, bool numeric,
			struct addrinfo **res)
{
	struct addrinfo hints;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = spec->family;
	hints.ai_socktype = spec->type;
	hints.ai_flags = (passive ? AI_PASSIVE : 0) | (numeric ? AI_NUMERICHOST : 0);
	return getaddrinfo(spec->host[0] ? spec->host : NULL, spec->port, &hints, res);
}
