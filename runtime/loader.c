/* loader.c: a small static linker for one ELF64 x86-64 relocatable object (see loader.h).
 *
 *   parse the headers -> lay the allocated sections out in three parts, by permission:
 *       text [ code | call stubs ]   ro [ read-only data | GOT ]   rw [ writable data, bss ]
 *   -> reserve memory for the parts (codemem.c: blocks of the shared code arena)
 *   -> copy the sections into the parts' images -> resolve symbols -> apply the relocations
 *      as if at the parts' final addresses -> commit (the code becomes executable).
 *
 * Code calls the runtime and libm through 14-byte stubs (`jmp *0(%rip)` then the address), since
 * they may lie more than 2 GiB away; GOT-relative references get a slot in the GOT part. Every
 * relocation gets its own stub or slot: objects hold tens of them, so sharing is not worth it.
 * .eh_frame is not loaded (nothing unwinds through compiled code).
 */
#include "loader.h"
#include "rt.h"
#include <dlfcn.h>
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct RtCode {
    RtCodeMem mem;
    int needs;
    int nsyms;
    struct { const char *name; void *addr; } *syms;
    char *names;   /* the names of syms, one after another */
};

#define STUB_SIZE 14

typedef struct Load {
    const unsigned char *obj;
    size_t size;
    const Elf64_Ehdr *eh;
    const Elf64_Shdr *sh;
    const Elf64_Sym *symtab;
    size_t nsym;
    const char *strtab;
    size_t strsize;
    int *part;                /* per section: its RT_PART_*, or -1 if not loaded */
    size_t *offset;           /* per section: its offset in its part */
    unsigned char **resolved; /* per symbol: its address once resolved */
    size_t stub_next, got_next;
    char *err;
    size_t errlen;
} Load;

static int fail(Load *ld, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err, ld->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_got_reloc(unsigned type) {
    return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX || type == R_X86_64_REX_GOTPCRELX;
}

static bool loaded(const Elf64_Shdr *s) {
    return (s->sh_flags & SHF_ALLOC) && s->sh_size > 0 && s->sh_type != SHT_X86_64_UNWIND;
}

static size_t align_up(size_t x, size_t a) { return a > 1 ? (x + a - 1) / a * a : x; }

/* Check the headers and find the symbol and string tables. */
static int parse(Load *ld) {
    if (ld->size < sizeof(Elf64_Ehdr)) return fail(ld, "object code is truncated");
    const Elf64_Ehdr *eh = ld->eh = (const Elf64_Ehdr *)ld->obj;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_REL || eh->e_machine != EM_X86_64)
        return fail(ld, "not an x86-64 ELF relocatable object");
    if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > ld->size ||
        (ld->size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum)
        return fail(ld, "object code is truncated");
    ld->sh = (const Elf64_Shdr *)(ld->obj + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum; i++) {
        const Elf64_Shdr *s = &ld->sh[i];
        if (s->sh_type != SHT_NOBITS && (s->sh_offset > ld->size || ld->size - s->sh_offset < s->sh_size))
            return fail(ld, "object code is truncated (section %d)", i);
        if (s->sh_type == SHT_SYMTAB) {
            if (s->sh_link >= eh->e_shnum || s->sh_entsize != sizeof(Elf64_Sym)) return fail(ld, "bad symbol table");
            ld->symtab = (const Elf64_Sym *)(ld->obj + s->sh_offset);
            ld->nsym = s->sh_size / sizeof(Elf64_Sym);
            const Elf64_Shdr *str = &ld->sh[s->sh_link];
            if (str->sh_offset > ld->size || ld->size - str->sh_offset < str->sh_size || str->sh_size == 0 ||
                ld->obj[str->sh_offset + str->sh_size - 1] != 0)
                return fail(ld, "bad string table");
            ld->strtab = (const char *)ld->obj + str->sh_offset;
            ld->strsize = str->sh_size;
        }
    }
    if (!ld->symtab) return fail(ld, "object code has no symbol table");
    for (size_t i = 0; i < ld->nsym; i++)
        if (ld->symtab[i].st_name >= ld->strsize) return fail(ld, "bad symbol name");
    return 0;
}

static const char *sym_name(Load *ld, const Elf64_Sym *s) { return ld->strtab + s->st_name; }

/* The runtime function called `name`, or NULL. */
static const RtSymbol *runtime_symbol(const char *name) {
    if (strncmp(name, "ember_rt_", 9)) return NULL;
    for (int i = 0; i < rt_nsymbols; i++)
        if (!strcmp(rt_symbols[i].name, name)) return &rt_symbols[i];
    for (int i = 0; i < rt_str_nsymbols; i++)
        if (!strcmp(rt_str_symbols[i].name, name)) return &rt_str_symbols[i];
    return NULL;
}

void *rt_libmvec(void) {
    static void *handle;
    static bool tried;
    if (!tried) {
        tried = true;
        handle = dlopen(RT_LIBMVEC, RTLD_NOW | RTLD_LOCAL);
    }
    return handle;
}

/* "ember.dl:<library path>:<symbol>": a C function compiled code calls through ctypes or cffi
 * (codegen/lower_ffi.c), found in its library in this process. */
static void *library_symbol(const char *name) {
    const char *colon = strrchr(name, ':');
    size_t plen = colon ? (size_t)(colon - name) - 9 : 0;
    char path[4096];
    if (!colon || plen >= sizeof path) return NULL;
    memcpy(path, name + 9, plen);
    path[plen] = 0;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);   /* stays open: the code may run any time */
    return h ? dlsym(h, colon + 1) : NULL;
}

/* "ember.capi:<module>:<function>": a Cython module's exported C function (__pyx_capi__, as
 * ember.extending.get_cython_function_address finds it), found again by importing the module
 * (under the GIL: loads happen in compiles and imports). */
static void *capi_symbol(const char *name) {
    const char *mod = name + 11, *colon = strrchr(mod, ':');
    char module[512];
    if (!colon || (size_t)(colon - mod) >= sizeof module) return NULL;
    memcpy(module, mod, (size_t)(colon - mod));
    module[colon - mod] = 0;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *m = PyImport_ImportModule(module);
    PyObject *capi = m ? PyObject_GetAttrString(m, "__pyx_capi__") : NULL;
    PyObject *cap = capi && PyDict_Check(capi) ? PyDict_GetItemString(capi, colon + 1) : NULL;
    void *addr = cap && PyCapsule_CheckExact(cap) ? PyCapsule_GetPointer(cap, PyCapsule_GetName(cap)) : NULL;
    Py_XDECREF(capi);
    Py_XDECREF(m);   /* (sys.modules keeps the module, and with it the function) */
    PyErr_Clear();
    PyGILState_Release(g);
    return addr;
}

/* A symbol outside ember: the C library's (and what the process has loaded), or libmvec's. */
static void *external_symbol(const char *name) {
    if (!strncmp(name, "ember.dl:", 9)) return library_symbol(name);
    if (!strncmp(name, "ember.capi:", 11)) return capi_symbol(name);
    void *addr = dlsym(RTLD_DEFAULT, name);
    if (!addr && !strncmp(name, "_ZGV", 4) && rt_libmvec()) addr = dlsym(rt_libmvec(), name);
    return addr;
}

/* The address symbol k stands for. */
static int resolve(Load *ld, RtCode *code, size_t k, unsigned char **out) {
    if (k >= ld->nsym) return fail(ld, "relocation names symbol %zu of %zu", k, ld->nsym);
    if (ld->resolved[k]) return *out = ld->resolved[k], 0;
    const Elf64_Sym *s = &ld->symtab[k];
    unsigned char *addr;
    if (s->st_shndx == SHN_UNDEF) {
        const char *name = sym_name(ld, s);
        const RtSymbol *rs = runtime_symbol(name);
        if (rs) {
            addr = rs->addr;
            code->needs |= rs->needs;
        } else if (!(addr = external_symbol(name))) {
            return fail(ld, "compiled code needs the symbol '%s', which this process does not define", name);
        }
    } else if (s->st_shndx == SHN_ABS) {
        addr = (unsigned char *)(uintptr_t)s->st_value;
    } else if (s->st_shndx < ld->eh->e_shnum && ld->part[s->st_shndx] >= 0) {
        addr = code->mem.at[ld->part[s->st_shndx]] + ld->offset[s->st_shndx] + s->st_value;
    } else {
        return fail(ld, "symbol '%s' lies in a section that is not loaded", sym_name(ld, s));
    }
    return *out = ld->resolved[k] = addr, 0;
}

static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

static int relocate(Load *ld, RtCode *code, const Elf64_Shdr *rs, size_t stub_at, size_t got_at) {
    size_t target = rs->sh_info;
    if (target >= ld->eh->e_shnum || ld->part[target] < 0) return 0;   /* e.g. .rela.eh_frame */
    if (rs->sh_entsize != sizeof(Elf64_Rela)) return fail(ld, "bad relocation section");
    const Elf64_Rela *r = (const Elf64_Rela *)(ld->obj + rs->sh_offset);
    size_t n = rs->sh_size / sizeof(Elf64_Rela);
    RtCodeMem *m = &code->mem;
    int part = ld->part[target];
    /* values are computed for where the section runs (sec) and written into its image */
    unsigned char *sec = m->at[part] + ld->offset[target], *image = m->image[part] + ld->offset[target];
    for (size_t i = 0; i < n; i++) {
        unsigned type = ELF64_R_TYPE(r[i].r_info);
        if (type == R_X86_64_NONE) continue;
        size_t width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4, size = ld->sh[target].sh_size;
        if (r[i].r_offset > size || size - r[i].r_offset < width) return fail(ld, "relocation outside its section");
        unsigned char *P = sec + r[i].r_offset, *W = image + r[i].r_offset, *S;
        if (resolve(ld, code, ELF64_R_SYM(r[i].r_info), &S)) return -1;
        int64_t A = r[i].r_addend, v;
        switch (type) {
        case R_X86_64_64:
            v = (int64_t)(uintptr_t)S + A;
            memcpy(W, &v, 8);
            continue;
        case R_X86_64_PC64:
            v = (int64_t)(S - P) + A;
            memcpy(W, &v, 8);
            continue;
        case R_X86_64_PC32:
        case R_X86_64_PLT32:
            v = (int64_t)(S - P) + A;
            if (!fits32(v) && type == R_X86_64_PLT32) {   /* a far function: call through a stub */
                size_t at = stub_at + ld->stub_next;
                ld->stub_next += STUB_SIZE;
                static const unsigned char jmp[6] = {0xff, 0x25, 0, 0, 0, 0};   /* jmp *0(%rip) */
                memcpy(m->image[RT_PART_TEXT] + at, jmp, 6);
                memcpy(m->image[RT_PART_TEXT] + at + 6, &S, 8);
                v = (int64_t)(m->at[RT_PART_TEXT] + at - P) + A;
            }
            break;
        case R_X86_64_GOTPCREL:
        case R_X86_64_GOTPCRELX:
        case R_X86_64_REX_GOTPCRELX: {
            size_t at = got_at + ld->got_next;
            ld->got_next += 8;
            memcpy(m->image[RT_PART_RO] + at, &S, 8);
            v = (int64_t)(m->at[RT_PART_RO] + at - P) + A;
            break;
        }
        default:
            return fail(ld, "unsupported relocation type %u", type);
        }
        if (!fits32(v)) return fail(ld, "relocation out of range (type %u, symbol '%s')", type,
                                    sym_name(ld, &ld->symtab[ELF64_R_SYM(r[i].r_info)]));
        int32_t v32 = (int32_t)v;
        memcpy(W, &v32, 4);
    }
    return 0;
}

static bool exported(const Elf64_Sym *s) {
    int type = ELF64_ST_TYPE(s->st_info);
    return s->st_shndx != SHN_UNDEF && s->st_name && (type == STT_FUNC || type == STT_OBJECT);
}

/* Keep every named symbol the object defines, for rt_code_symbol. */
static int collect_symbols(Load *ld, RtCode *code) {
    size_t n = 0, bytes = 0;
    for (size_t k = 1; k < ld->nsym; k++)
        if (exported(&ld->symtab[k])) n++, bytes += strlen(sym_name(ld, &ld->symtab[k])) + 1;
    if (!(code->names = malloc(bytes ? bytes : 1)) || !(code->syms = calloc(n ? n : 1, sizeof *code->syms)))
        return fail(ld, "out of memory");
    char *at = code->names;
    for (size_t k = 1; k < ld->nsym; k++) {
        if (!exported(&ld->symtab[k])) continue;
        unsigned char *addr;
        if (resolve(ld, code, k, &addr)) return -1;
        size_t len = strlen(sym_name(ld, &ld->symtab[k])) + 1;
        memcpy(at, sym_name(ld, &ld->symtab[k]), len);
        code->syms[code->nsyms].name = at;
        code->syms[code->nsyms++].addr = addr;
        at += len;
    }
    return 0;
}

RtCode *rt_code_load(const void *obj, size_t size, char *err, size_t errlen) {
    Load ld_ = {.obj = obj, .size = size, .err = err, .errlen = errlen}, *ld = &ld_;
    RtCode *code = calloc(1, sizeof *code);
    if (!code) return snprintf(err, errlen, "out of memory"), NULL;
    RtCodeMem *m = &code->mem;
    if (parse(ld)) goto fail;
    int nsec = ld->eh->e_shnum;
    ld->part = malloc(sizeof(int) * (size_t)nsec);
    ld->offset = malloc(sizeof(size_t) * (size_t)nsec);
    ld->resolved = calloc(ld->nsym, sizeof *ld->resolved);
    if (!ld->part || !ld->offset || !ld->resolved) { fail(ld, "out of memory"); goto fail; }
    /* count the stubs and GOT slots the relocations may need */
    size_t nstub = 0, ngot = 0;
    for (int i = 0; i < nsec; i++) {
        const Elf64_Shdr *s = &ld->sh[i];
        if (s->sh_type != SHT_RELA || s->sh_info >= (unsigned)nsec || !loaded(&ld->sh[s->sh_info])) continue;
        const Elf64_Rela *r = (const Elf64_Rela *)(ld->obj + s->sh_offset);
        for (size_t k = 0; k < s->sh_size / sizeof(Elf64_Rela); k++) {
            unsigned type = ELF64_R_TYPE(r[k].r_info);
            nstub += type == R_X86_64_PLT32;
            ngot += is_got_reloc(type);
        }
    }
    /* lay out each part: its sections, then the stubs (text) or the GOT (ro) */
    size_t stub_at = 0, got_at = 0;
    for (int part = 0; part < RT_NPARTS; part++) {
        size_t at = 0, align = 1;
        for (int i = 0; i < nsec; i++) {
            const Elf64_Shdr *s = &ld->sh[i];
            if (part == 0) ld->part[i] = -1;
            if (!loaded(s)) continue;
            int want = (s->sh_flags & SHF_EXECINSTR) ? RT_PART_TEXT
                     : (s->sh_flags & SHF_WRITE)     ? RT_PART_RW
                                                     : RT_PART_RO;
            if (want != part) continue;
            size_t a = s->sh_addralign ? s->sh_addralign : 1;
            if (a & (a - 1)) { fail(ld, "section %d has alignment %zu", i, a); goto fail; }
            at = align_up(at, a);
            align = a > align ? a : align;
            ld->part[i] = part;
            ld->offset[i] = at;
            at += s->sh_size;
        }
        if (part == RT_PART_TEXT && nstub) {
            stub_at = at = align_up(at, 16);
            at += nstub * STUB_SIZE;
            align = align < 16 ? 16 : align;
        }
        if (part == RT_PART_RO && ngot) {
            got_at = at = align_up(at, 8);
            at += ngot * 8;
            align = align < 8 ? 8 : align;
        }
        m->size[part] = at;
        m->align[part] = align;
    }
    if (rt_codemem_reserve(m, err, errlen)) goto fail;
    for (int i = 0; i < nsec; i++)
        if (ld->part[i] >= 0 && ld->sh[i].sh_type != SHT_NOBITS)
            memcpy(m->image[ld->part[i]] + ld->offset[i], ld->obj + ld->sh[i].sh_offset, ld->sh[i].sh_size);
    for (int i = 0; i < nsec; i++)
        if (ld->sh[i].sh_type == SHT_RELA && relocate(ld, code, &ld->sh[i], stub_at, got_at)) goto fail;
    if (collect_symbols(ld, code) || rt_codemem_commit(m, err, errlen)) goto fail;
    free(ld->part);
    free(ld->offset);
    free(ld->resolved);
    return code;
fail:
    free(ld->part);
    free(ld->offset);
    free(ld->resolved);
    rt_code_free(code);
    return NULL;
}

void *rt_code_symbol(const RtCode *code, const char *name) {
    for (int i = 0; i < code->nsyms; i++)
        if (!strcmp(code->syms[i].name, name)) return code->syms[i].addr;
    return NULL;
}

int rt_code_needs(const RtCode *code) { return code->needs; }

/* Does something still hold one of the code's literal strings (codegen/lower_str.c)? A typed
 * container or a jitclass field given a literal keeps a pointer into the code's memory, and the
 * literal's count, which starts at RT_STR_IMMORTAL, says so. */
static bool literal_held(const RtCode *code) {
    size_t n = strlen(TY_STR_LITERAL);
    for (int i = 0; i < code->nsyms; i++)
        if (!strncmp(code->syms[i].name, TY_STR_LITERAL, n) &&
            __atomic_load_n((const int64_t *)code->syms[i].addr, __ATOMIC_ACQUIRE) != RT_STR_IMMORTAL)
            return true;
    return false;
}

/* Code whose literals are held stays loaded (its memory is not reused) for the process. */
void rt_code_free(RtCode *code) {
    if (!code) return;
    if (!literal_held(code)) rt_codemem_release(&code->mem);
    free(code->syms);
    free(code->names);
    free(code);
}
