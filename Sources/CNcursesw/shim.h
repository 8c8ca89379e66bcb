#ifndef LILT_CNCURSESW_SHIM_H
#define LILT_CNCURSESW_SHIM_H
// SwiftPM drops ncursesw's -D_XOPEN_SOURCE flags, which hides the wide-character API;
// asking for it directly brings cchar_t, setcchar, wadd_wch and wget_wch back.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <stdlib.h>
#include <wchar.h>
#include <curses.h>

// Attribute and mouse macros Swift cannot import.
static const attr_t lilt_a_normal = A_NORMAL;
static const attr_t lilt_a_bold = A_BOLD;
static const attr_t lilt_a_dim = A_DIM;
static const attr_t lilt_a_reverse = A_REVERSE;
static const attr_t lilt_a_underline = A_UNDERLINE;
static const mmask_t lilt_all_mouse_events = ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION;
static const mmask_t lilt_button1_pressed = BUTTON1_PRESSED;
static const mmask_t lilt_button1_released = BUTTON1_RELEASED;
static const mmask_t lilt_button1_clicked = BUTTON1_CLICKED;
static const mmask_t lilt_button4_pressed = BUTTON4_PRESSED;
static const mmask_t lilt_button5_pressed = BUTTON5_PRESSED;
static const int lilt_key_code_yes = KEY_CODE_YES;

// `stdscr` is a mutable global, which Swift 6 refuses; this reads it once after newterm.
static inline WINDOW *lilt_stdscr(void) { return stdscr; }

static inline int lilt_colors(void) { return COLORS; }
static inline int lilt_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t lilt_color_pair(short pair) { return (attr_t)COLOR_PAIR(pair); }

// Sets one cell from a Unicode scalar, attributes and colour pair.
static inline int lilt_mvwadd_scalar(WINDOW *win, int y, int x, wchar_t ch, attr_t attrs, short pair) {
    wchar_t text[2] = { ch, 0 };
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(win, y, x, &cell);
}
#endif
