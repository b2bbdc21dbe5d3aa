/* SPDX-License-Identifier: MIT */
/*
 * html_check.c: a strict checker for the pages of --format html, which are
 * meant to be valid HTML5 and well-formed XML at once, and self-contained.
 * It checks:
 *  - the bytes are valid UTF-8 without NUL, controls other than TAB and LF,
 *    C1 controls or noncharacters;
 *  - the page starts with <!DOCTYPE html>, has one root <html> holding
 *    <head> (with <meta charset="utf-8"/> in the first 1024 bytes and a
 *    <title>) and then <body>;
 *  - every element is closed, in order; HTML void elements are written
 *    <x .../> and never closed; other HTML elements are never self-closed
 *    (an HTML parser would leave them open); inside <svg> anything may be;
 *  - attributes are name="value", not repeated; '<' appears in no value
 *    or text; every '&' starts &amp; &lt; &gt; &quot; or a numeric
 *    reference to an allowed character;
 *  - nothing is loaded and nothing runs: no script, link, img, iframe,
 *    object, embed, base, audio, video, source or form element, no src,
 *    href, srcset, action or on* attribute, no url() but url(#id) with a
 *    defined id, no @import; ids are unique;
 *  - every <svg> that is not aria-hidden has <title> as its first child.
 * It is independent of the product: it shares no code or algorithm with
 * src/ (its UTF-8 decoder follows the Unicode Standard's table of
 * well-formed sequences, its allowed characters the XML and HTML specs'
 * ranges), so a mistake in esc.c's escaping is not repeated here.
 * Prints what is wrong with line numbers and exits 1, or exits 0.
 * usage: html_check FILE
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_IDS 4096
#define MAX_REFS 4096
#define NAME_MAX_LEN 64

static const char *path;
static const char *doc;
static size_t doc_len;
static int errors;

static unsigned
line_of(size_t at)
{
    unsigned line = 1;
    for (size_t i = 0; i < at && i < doc_len; i++)
        line += doc[i] == '\n';
    return line;
}

static void
bad(size_t at, const char *what, const char *detail)
{
    if (errors < 20)
        fprintf(stderr, "%s:%u: %s%s%s\n", path, line_of(at), what, detail ? ": " : "",
                detail ? detail : "");
    errors++;
}

/*
 * Decoding is written from the Unicode Standard's table of well-formed
 * UTF-8 byte sequences (chapter 3, table 3-7), not from the product's
 * decoder: the lead byte names the range its second byte must lie in,
 * which rules out overlong forms, surrogates and code points above
 * U+10FFFF before anything is decoded.
 */
struct utf8_form {
    unsigned char lead_lo, lead_hi;     /* lead bytes of this row */
    unsigned char second_lo, second_hi; /* allowed second byte */
    unsigned char n;                    /* bytes in the sequence */
};

static const struct utf8_form utf8_forms[] = {
    {0x00, 0x7F, 0, 0, 1},       {0xC2, 0xDF, 0x80, 0xBF, 2}, {0xE0, 0xE0, 0xA0, 0xBF, 3},
    {0xE1, 0xEC, 0x80, 0xBF, 3}, {0xED, 0xED, 0x80, 0x9F, 3}, {0xEE, 0xEF, 0x80, 0xBF, 3},
    {0xF0, 0xF0, 0x90, 0xBF, 4}, {0xF1, 0xF3, 0x80, 0xBF, 4}, {0xF4, 0xF4, 0x80, 0x8F, 4},
};

/* Length of the well-formed sequence at s[0..len) (0 if none) and its code point. */
static size_t
utf8(const unsigned char *s, size_t len, unsigned *cp)
{
    static const unsigned lead_bits[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    for (size_t r = 0; r < sizeof(utf8_forms) / sizeof(utf8_forms[0]); r++) {
        const struct utf8_form *f = &utf8_forms[r];
        if (s[0] < f->lead_lo || s[0] > f->lead_hi)
            continue;
        if (len < f->n)
            return 0;
        if (f->n > 1 && (s[1] < f->second_lo || s[1] > f->second_hi))
            return 0;
        unsigned v = s[0] & lead_bits[f->n];
        for (size_t k = 1; k < f->n; k++) {
            if (k > 1 && (s[k] < 0x80 || s[k] > 0xBF))
                return 0;
            v = v * 64 + (s[k] - 0x80u);
        }
        *cp = v;
        return f->n;
    }
    return 0;
}

/*
 * A character allowed in the page: XML 1.0's Char production (tab, LF, CR,
 * U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF) without what HTML
 * calls a parse error (CR aside, which the page never writes: the controls
 * U+007F..U+009F and the 66 noncharacters), written as ranges of the specs.
 */
static int
allowed_char(unsigned cp)
{
    static const unsigned ranges[][2] = {
        {0x09, 0x0A}, {0x20, 0x7E}, {0xA0, 0xD7FF}, {0xE000, 0xFDCF}, {0xFDF0, 0xFFFD}};
    for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
        if (cp >= ranges[r][0] && cp <= ranges[r][1])
            return 1;
    }
    /* Planes 1 to 16, but their last two code points (U+1FFFE, U+1FFFF, ...). */
    return cp >= 0x10000 && cp <= 0x10FFFF && cp % 0x10000 < 0xFFFE;
}

static void
check_encoding(void)
{
    const unsigned char *s = (const unsigned char *)doc;
    for (size_t i = 0; i < doc_len;) {
        unsigned cp;
        size_t n = utf8(s + i, doc_len - i, &cp);
        if (n == 0) {
            bad(i, "invalid UTF-8", NULL);
            i++;
            continue;
        }
        if (!allowed_char(cp)) {
            char d[16];
            snprintf(d, sizeof(d), "U+%04X", cp);
            bad(i, "character not allowed", d);
        }
        i += n;
    }
}

static int
in_list(const char *name, const char *const *list)
{
    for (; *list; list++) {
        if (strcmp(name, *list) == 0)
            return 1;
    }
    return 0;
}

static const char *const void_elements[] = {"area",   "base",  "br",    "col",  "embed",
                                            "hr",     "img",   "input", "link", "meta",
                                            "source", "track", "wbr",   NULL};
static const char *const forbidden_elements[] = {
    "script", "link",   "img",  "iframe", "object", "embed", "base",          "audio",
    "video",  "source", "form", "frame",  "image",  "use",   "foreignObject", NULL};
static const char *const forbidden_attributes[] = {
    "src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "background", NULL};

/*
 * The reference at doc[i] ('&'): returns its length, 0 when not allowed.
 */
static size_t
reference(size_t i)
{
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", NULL};
    for (int k = 0; named[k]; k++) {
        size_t n = strlen(named[k]);
        if (i + n <= doc_len && memcmp(doc + i, named[k], n) == 0)
            return n;
    }
    size_t j = i + 1;
    if (j >= doc_len || doc[j] != '#')
        return 0;
    j++;
    int hex = j < doc_len && doc[j] == 'x';
    j += (size_t)hex;
    unsigned long v = 0;
    size_t digits = 0;
    while (j < doc_len &&
           (hex ? isxdigit((unsigned char)doc[j]) : isdigit((unsigned char)doc[j]))) {
        v = v * (hex ? 16 : 10) +
            (unsigned long)(isdigit((unsigned char)doc[j])
                                ? doc[j] - '0'
                                : (tolower((unsigned char)doc[j]) - 'a' + 10));
        if (v > 0x10FFFF)
            return 0;
        j++, digits++;
    }
    if (!digits || j >= doc_len || doc[j] != ';')
        return 0;
    if (!allowed_char((unsigned)v) || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return j + 1 - i;
}

/* Check text doc[from..to) for '<' and bad references. */
static void
check_text(size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        if (doc[i] == '<')
            bad(i, "'<' in text or attribute value", NULL);
        if (doc[i] == '&') {
            size_t n = reference(i);
            if (!n)
                bad(i, "'&' that starts no allowed reference", NULL);
            else
                i += n - 1;
        }
    }
}

struct open_el {
    char name[NAME_MAX_LEN];
    size_t at;
    int children; /* child elements seen so far */
    int needs_title;
};

static struct open_el stack[MAX_DEPTH];
static int depth;
static char ids[MAX_IDS][NAME_MAX_LEN];
static int n_ids;
static struct {
    char id[NAME_MAX_LEN];
    size_t at;
} refs[MAX_REFS];
static int n_refs;
static int in_svg; /* depth of the outermost open <svg>, 0 if none */
static int seen_root, seen_head, seen_body, seen_title, seen_charset;

/* url(...) in doc[from..to): only url(#id); the ids are checked at the end. */
static void
check_urls(size_t from, size_t to)
{
    for (size_t i = from; i + 4 <= to; i++) {
        if (strncmp(doc + i, "url(", 4) != 0)
            continue;
        if (i + 5 > to || doc[i + 4] != '#') {
            bad(i, "url() that is not a fragment", NULL);
            continue;
        }
        size_t j = i + 5, k = 0;
        if (n_refs == MAX_REFS)
            continue;
        while (j < to && doc[j] != ')' && k < NAME_MAX_LEN - 1)
            refs[n_refs].id[k++] = doc[j++];
        refs[n_refs].id[k] = '\0';
        refs[n_refs].at = i;
        n_refs++;
    }
    for (size_t i = from; i + 7 <= to; i++) {
        if (strncmp(doc + i, "@import", 7) == 0)
            bad(i, "@import", NULL);
    }
}

/* Parse the attributes in doc[i..) up to '>' or "/>"; returns the index after the tag. */
static size_t
attributes(size_t i, const char *el, int *self_closing, int *aria_hidden)
{
    char seen[32][NAME_MAX_LEN];
    int n_seen = 0;
    *self_closing = 0;
    *aria_hidden = 0;
    for (;;) {
        size_t ws = i;
        while (i < doc_len && (doc[i] == ' ' || doc[i] == '\n' || doc[i] == '\t'))
            i++;
        if (i >= doc_len) {
            bad(ws, "tag not ended", el);
            return i;
        }
        if (doc[i] == '>')
            return i + 1;
        if (doc[i] == '/' && i + 1 < doc_len && doc[i + 1] == '>') {
            *self_closing = 1;
            return i + 2;
        }
        if (i == ws) {
            bad(i, "attributes not separated by space", el);
        }
        char name[NAME_MAX_LEN];
        size_t k = 0;
        while (i < doc_len && (isalnum((unsigned char)doc[i]) || doc[i] == '-' || doc[i] == ':' ||
                               doc[i] == '_')) {
            if (k < NAME_MAX_LEN - 1)
                name[k++] = doc[i];
            i++;
        }
        name[k] = '\0';
        if (!k || i + 1 >= doc_len || doc[i] != '=' || doc[i + 1] != '"') {
            bad(i, "attribute not written name=\"value\"", el);
            while (i < doc_len && doc[i] != '>')
                i++;
            return i < doc_len ? i + 1 : i;
        }
        for (int s = 0; s < n_seen; s++) {
            if (strcmp(seen[s], name) == 0)
                bad(i, "attribute repeated", name);
        }
        if (n_seen < 32)
            snprintf(seen[n_seen++], NAME_MAX_LEN, "%s", name);
        size_t v = i + 2, e = v;
        while (e < doc_len && doc[e] != '"')
            e++;
        if (e >= doc_len) {
            bad(v, "attribute value not closed", name);
            return e;
        }
        check_text(v, e);
        check_urls(v, e);
        char lower[NAME_MAX_LEN];
        for (size_t c = 0; c <= k; c++)
            lower[c] = (char)tolower((unsigned char)name[c]);
        if (in_list(lower, forbidden_attributes) || strncmp(lower, "on", 2) == 0)
            bad(i, "attribute that loads or runs something", name);
        if (strcmp(name, "aria-hidden") == 0 && e - v == 4 && memcmp(doc + v, "true", 4) == 0)
            *aria_hidden = 1;
        if (strcmp(name, "id") == 0) {
            char id[NAME_MAX_LEN];
            size_t n = e - v < NAME_MAX_LEN - 1 ? e - v : NAME_MAX_LEN - 1;
            memcpy(id, doc + v, n);
            id[n] = '\0';
            for (int s = 0; s < n_ids; s++) {
                if (strcmp(ids[s], id) == 0)
                    bad(v, "id repeated", id);
            }
            if (n_ids < MAX_IDS)
                snprintf(ids[n_ids++], NAME_MAX_LEN, "%s", id);
        }
        if (strcmp(el, "meta") == 0 && strcmp(name, "charset") == 0) {
            if (e - v == 5 && memcmp(doc + v, "utf-8", 5) == 0 && v < 1024)
                seen_charset++;
            else
                bad(v, "charset is not utf-8 in the first 1024 bytes", NULL);
        }
        i = e + 1;
    }
}

static void
open_element(size_t at, const char *name, int aria_hidden)
{
    if (depth > 0)
        stack[depth - 1].children++;
    else if (seen_root++)
        bad(at, "second root element", name);
    if (depth == 0 && strcmp(name, "html") != 0)
        bad(at, "root element is not <html>", name);
    if (depth == 1 && strcmp(stack[0].name, "html") == 0) {
        if (strcmp(name, "head") == 0) {
            if (seen_head++ || seen_body)
                bad(at, "<head> repeated or after <body>", NULL);
        } else if (strcmp(name, "body") == 0) {
            if (seen_body++ || !seen_head)
                bad(at, "<body> repeated or before <head>", NULL);
        } else {
            bad(at, "<html> holds something other than <head> and <body>", name);
        }
    }
    if (depth == 2 && strcmp(stack[1].name, "head") == 0 && strcmp(name, "title") == 0)
        seen_title++;
    if (depth > 0 && stack[depth - 1].needs_title && stack[depth - 1].children == 1 &&
        strcmp(name, "title") != 0)
        bad(at, "<svg> whose first child is not <title>", name);
    if (depth == MAX_DEPTH) {
        bad(at, "nesting too deep", name);
        return;
    }
    snprintf(stack[depth].name, NAME_MAX_LEN, "%s", name);
    stack[depth].at = at;
    stack[depth].children = 0;
    stack[depth].needs_title = strcmp(name, "svg") == 0 && !aria_hidden;
    depth++;
    if (strcmp(name, "svg") == 0 && !in_svg)
        in_svg = depth;
}

static void
close_element(size_t at, const char *name)
{
    if (depth == 0 || strcmp(stack[depth - 1].name, name) != 0) {
        char d[2 * NAME_MAX_LEN + 32];
        snprintf(d, sizeof(d), "</%s> but <%s> is open", name, depth ? stack[depth - 1].name : "");
        bad(at, "end tag out of order", d);
        return;
    }
    if (stack[depth - 1].needs_title && stack[depth - 1].children == 0)
        bad(at, "<svg> without <title>", NULL);
    if (in_svg == depth)
        in_svg = 0;
    depth--;
}

static void
check_markup(void)
{
    static const char doctype[] = "<!DOCTYPE html>\n";
    size_t i = 0;
    if (doc_len < sizeof(doctype) - 1 || memcmp(doc, doctype, sizeof(doctype) - 1) != 0)
        bad(0, "does not start with <!DOCTYPE html>", NULL);
    else
        i = sizeof(doctype) - 1;
    size_t text_from = i;
    while (i < doc_len) {
        if (doc[i] != '<') {
            i++;
            continue;
        }
        check_text(text_from, i);
        if (depth && strcmp(stack[depth - 1].name, "style") == 0)
            check_urls(text_from, i);
        size_t at = i;
        if (strncmp(doc + i, "<!--", 4) == 0) {
            const char *end = strstr(doc + i + 4, "-->");
            if (!end) {
                bad(at, "comment not closed", NULL);
                return;
            }
            i = (size_t)(end - doc) + 3;
            text_from = i;
            continue;
        }
        int closing = i + 1 < doc_len && doc[i + 1] == '/';
        i += 1 + (size_t)closing;
        char name[NAME_MAX_LEN];
        size_t k = 0;
        while (i < doc_len && (isalnum((unsigned char)doc[i]) || doc[i] == '-')) {
            if (k < NAME_MAX_LEN - 1)
                name[k++] = doc[i];
            i++;
        }
        name[k] = '\0';
        if (!k || !isalpha((unsigned char)name[0])) {
            bad(at, "'<' that starts no tag", NULL);
            text_from = i;
            continue;
        }
        char lower[NAME_MAX_LEN];
        for (size_t c = 0; c <= k; c++)
            lower[c] = (char)tolower((unsigned char)name[c]);
        if (in_list(lower, forbidden_elements))
            bad(at, "element that loads or runs something", name);
        if (closing) {
            if (i >= doc_len || doc[i] != '>')
                bad(at, "end tag with attributes", name);
            while (i < doc_len && doc[i] != '>')
                i++;
            i++;
            if (!in_svg && in_list(lower, void_elements))
                bad(at, "end tag of a void element", name);
            close_element(at, name);
        } else {
            int self_closing, aria_hidden;
            i = attributes(i, name, &self_closing, &aria_hidden);
            int is_void = !in_svg && in_list(lower, void_elements);
            if (is_void && !self_closing)
                bad(at, "void element not written <x/>", name);
            if (!is_void && self_closing && !in_svg && strcmp(name, "svg") != 0)
                bad(at, "HTML element self-closed (a browser leaves it open)", name);
            open_element(at, name, aria_hidden);
            if (self_closing || is_void)
                close_element(at, name);
        }
        text_from = i;
    }
    check_text(text_from, doc_len);
    for (int d = depth; d > 0; d--)
        bad(stack[d - 1].at, "element never closed", stack[d - 1].name);
    if (!seen_root || !seen_head || !seen_body)
        bad(doc_len, "missing <html>, <head> or <body>", NULL);
    if (seen_title != 1)
        bad(0, "<head> needs exactly one <title>", NULL);
    if (seen_charset != 1)
        bad(0, "needs exactly one <meta charset=\"utf-8\"/>", NULL);
    for (int r = 0; r < n_refs; r++) {
        int found = 0;
        for (int s = 0; s < n_ids && !found; s++)
            found = strcmp(ids[s], refs[r].id) == 0;
        if (!found)
            bad(refs[r].at, "url(#id) names no element", refs[r].id);
    }
}

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: html_check FILE\n");
        return 2;
    }
    path = argv[1];
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 2;
    }
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *grown = realloc(buf, 2 * cap + 1);
            if (!grown) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "html_check: out of memory\n");
        return 2;
    }
    buf[len] = '\0';
    doc = buf;
    doc_len = len;
    if (memchr(buf, '\0', len))
        bad((size_t)((char *)memchr(buf, '\0', len) - buf), "NUL byte", NULL);
    check_encoding();
    check_markup();
    free(buf);
    if (errors) {
        fprintf(stderr, "%s: %d problem%s\n", path, errors, errors == 1 ? "" : "s");
        return 1;
    }
    printf("%s: ok\n", path);
    return 0;
}
