#ifndef SER_CEDIT_SHIM_H
#define SER_CEDIT_SHIM_H
#include <stdio.h>
#include <histedit.h>

// el_set and history are variadic, which Swift cannot call: one typed wrapper per use.

/// history(h, ev, H_SETSIZE, size)
static inline int ser_history_setsize(History *h, HistEvent *ev, int size) { return history(h, ev, H_SETSIZE, size); }
/// history(h, ev, H_SETUNIQUE, on)
static inline int ser_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
/// history(h, ev, H_ENTER, line)
static inline int ser_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
/// history(h, ev, H_SAVE, path)
static inline int ser_history_save(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_SAVE, path); }
/// history(h, ev, H_LOAD, path)
static inline int ser_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }
/// history(h, ev, H_CLEAR)
static inline int ser_history_clear(History *h, HistEvent *ev) { return history(h, ev, H_CLEAR); }
/// history(h, ev, H_GETSIZE): number of entries, in ev->num
static inline int ser_history_getsize(History *h, HistEvent *ev) { return history(h, ev, H_GETSIZE); }
/// history(h, ev, H_FIRST): the most recent entry, in ev->str
static inline int ser_history_first(History *h, HistEvent *ev) { return history(h, ev, H_FIRST); }
/// history(h, ev, H_NEXT): the next older entry, in ev->str
static inline int ser_history_next(History *h, HistEvent *ev) { return history(h, ev, H_NEXT); }
/// history(h, ev, H_LAST): the oldest entry
static inline int ser_history_last(History *h, HistEvent *ev) { return history(h, ev, H_LAST); }
/// history(h, ev, H_PREV): the next newer entry
static inline int ser_history_prev(History *h, HistEvent *ev) { return history(h, ev, H_PREV); }

typedef char *(*ser_prompt_fn)(EditLine *);
typedef unsigned char (*ser_edit_fn)(EditLine *, int);

/// el_set(e, EL_PROMPT, fn)
static inline int ser_el_set_prompt(EditLine *e, ser_prompt_fn fn) { return el_set(e, EL_PROMPT, fn); }
/// el_set(e, EL_EDITOR, mode) with mode "emacs" or "vi"
static inline int ser_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
/// el_set(e, EL_HIST, history, h)
static inline int ser_el_set_history(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
/// el_set(e, EL_SIGNAL, on): let libedit restore the terminal on signals
static inline int ser_el_set_signal(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }
/// el_set(e, EL_ADDFN, name, help, fn)
static inline int ser_el_add_function(EditLine *e, const char *name, const char *help, ser_edit_fn fn) {
    return el_set(e, EL_ADDFN, name, help, fn);
}
/// el_set(e, EL_BIND, key, name, NULL)
static inline int ser_el_bind(EditLine *e, const char *key, const char *name) { return el_set(e, EL_BIND, key, name, NULL); }
/// el_set(e, EL_SETTY, "-d", "-isig", NULL): while editing, Ctrl-C reaches the editor as a key (bound with
/// el_set(EL_BIND)) instead of raising SIGINT; outside el_gets the terminal keeps its own settings.
static inline int ser_el_set_edit_noisig(EditLine *e) { return el_set(e, EL_SETTY, "-d", "-isig", (const char *)NULL); }
/// el_set(e, EL_CLIENTDATA, data)
static inline int ser_el_set_clientdata(EditLine *e, void *data) { return el_set(e, EL_CLIENTDATA, data); }
/// el_get(e, EL_CLIENTDATA, &data)
static inline void *ser_el_get_clientdata(EditLine *e) { void *d = NULL; el_get(e, EL_CLIENTDATA, &d); return d; }

/// CC_* return codes for editor functions (macros in histedit.h)
static const unsigned char SER_CC_NORM = CC_NORM;
static const unsigned char SER_CC_REFRESH = CC_REFRESH;
static const unsigned char SER_CC_REDISPLAY = CC_REDISPLAY;
static const unsigned char SER_CC_ERROR = CC_ERROR;
static const unsigned char SER_CC_NEWLINE = CC_NEWLINE;
static const unsigned char SER_CC_EOF = CC_EOF;
#endif
