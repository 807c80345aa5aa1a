"""Sizes, colours and the style sheet of the kiosk: large, high-contrast, made for touch.

Dark text on white (contrast > 15:1), buttons at least 60 px high, body text 22 pt and never
below 20 pt. Colours are named by purpose so a screen never picks a colour of its own.
"""

from __future__ import annotations

FONT_FAMILY = "DejaVu Sans"
BODY_PT = 22
SMALL_PT = 20  # the smallest text anywhere on the kiosk
TITLE_PT = 30
HUGE_PT = 44
TOUCH_PX = 64  # minimum height of anything that is touched
KEY_PX = 62  # on-screen keyboard key height
BUTTON_PAD_PX = 2 * (22 + 2)  # a button's padding and border, left and right (style_sheet)

INK = "#111111"
PAPER = "#ffffff"
PANEL = "#eef2f7"
PRIMARY = "#0b4f8a"
PRIMARY_DOWN = "#073761"
SECONDARY = "#dde6f0"
GOOD = "#1b6e20"
BAD = "#b00020"
BAD_PAPER = "#fde8eb"
WARN_PAPER = "#fff4cc"
FOCUS = "#f2b400"
# Hints inside empty text boxes: Qt's default grey is about 3.5:1 on white; this is 7.5:1.
PLACEHOLDER = "#555555"


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours (1 to 21; text wants at least 4.5)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Large-text mode: every text at least half as large again (EN 301 549 5.1.4).
LARGE_TEXT_SCALE = 1.5


def style_sheet(scale: float = 1.0) -> str:
    """The kiosk's style sheet with every font size multiplied by ``scale`` (1.5: large text)."""

    def pt(size: int) -> int:
        return round(size * scale)

    return f"""
QWidget {{
    background: {PAPER};
    color: {INK};
    font-family: "{FONT_FAMILY}";
    font-size: {pt(BODY_PT)}pt;
}}
QLabel[role="title"] {{ font-size: {pt(TITLE_PT)}pt; font-weight: bold; }}
QLabel[role="header-title"] {{ font-size: {pt(BODY_PT)}pt; font-weight: bold; }}
QLabel[role="huge"] {{ font-size: {pt(HUGE_PT)}pt; font-weight: bold; color: {PRIMARY}; }}
QLabel[role="subtle"] {{ color: #333333; font-size: {pt(SMALL_PT)}pt; }}
QLabel[role="error"] {{
    color: {BAD}; background: {BAD_PAPER}; font-size: {pt(SMALL_PT)}pt; font-weight: bold;
    padding: 4px 10px; border-radius: 6px;
}}
QLabel[role="ok"] {{ color: {GOOD}; font-weight: bold; }}
QLabel[role="ok-title"] {{ color: {GOOD}; font-weight: bold; font-size: {pt(TITLE_PT)}pt; }}
QLabel[role="notice"] {{
    background: {WARN_PAPER}; border: 3px solid {FOCUS}; border-radius: 10px; padding: 14px;
}}
QLabel[role="question"], QFrame[role="card"] QLabel[role="question"] {{
    background: {WARN_PAPER}; border: 3px solid {FOCUS}; border-radius: 10px; padding: 14px;
    font-size: {pt(TITLE_PT - 2)}pt; font-weight: bold;
}}
QFrame[role="header"] {{ background: {PRIMARY}; }}
QFrame[role="header"] QLabel {{ background: {PRIMARY}; color: white; }}
QFrame[role="header"] QFrame[role="speech-bar"] {{ background: {PRIMARY}; }}
QPushButton[role="toggle"]:checked {{ background: white; color: {PRIMARY}; border: 4px solid {FOCUS}; }}
QFrame[role="card"] {{
    background: {PANEL}; border: 2px solid #b8c4d2; border-radius: 12px;
}}
QFrame[role="card"] QLabel {{ background: {PANEL}; }}
QPushButton {{
    min-height: {TOUCH_PX}px; padding: 6px 22px; border-radius: 10px;
    background: {SECONDARY}; color: {INK}; border: 2px solid #8fa3b8; font-weight: bold;
}}
QPushButton:pressed {{ background: #b9c9da; }}
QPushButton:disabled {{ color: #6b6b6b; background: #eeeeee; border-color: #cccccc; }}
QPushButton[role="primary"] {{ background: {PRIMARY}; color: white; border-color: {PRIMARY}; }}
QPushButton[role="primary"]:pressed {{ background: {PRIMARY_DOWN}; }}
QPushButton[role="primary"]:disabled {{ background: #7f9bb5; color: #f0f0f0; }}
QPushButton[role="tile"] {{
    background: {PRIMARY}; color: white; border: none; border-radius: 18px;
    font-size: {pt(TITLE_PT - 4)}pt; padding: 20px; text-align: center;
}}
QPushButton[role="choice"]:checked {{ background: {PRIMARY}; color: white; }}
/* No fixed min-width on keys: a key never gets narrower than its label ("⌫ Изтрий" in large
   text); letter keys share the rest of the row. */
QPushButton[role="key"] {{ padding: 0px; font-size: {pt(BODY_PT + 2)}pt; }}
QPushButton[role="lang"]:checked {{ background: white; color: {PRIMARY}; border: 4px solid {FOCUS}; }}
QPushButton[role="lang"] {{ background: {PRIMARY}; color: white; border: 2px solid white; }}
QLineEdit, QPlainTextEdit {{ placeholder-text-color: {PLACEHOLDER}; }}
QLineEdit {{
    min-height: {TOUCH_PX}px; padding: 0 12px; border: 3px solid #5a6b7d; border-radius: 8px;
    font-size: {pt(BODY_PT + 2)}pt; background: white;
}}
QLineEdit:focus {{ border: 4px solid {FOCUS}; }}
QLineEdit[invalid="true"] {{ border: 4px solid {BAD}; }}
QPlainTextEdit {{
    padding: 6px 10px; border: 3px solid #5a6b7d; border-radius: 8px;
    font-size: {pt(BODY_PT + 2)}pt; background: white;
}}
QPlainTextEdit:focus {{ border: 4px solid {FOCUS}; }}
QPlainTextEdit[invalid="true"] {{ border: 4px solid {BAD}; }}
QProgressBar {{
    min-height: 28px; border: 2px solid #5a6b7d; border-radius: 8px; text-align: center;
    font-size: {pt(SMALL_PT)}pt; background: white;
}}
QProgressBar::chunk {{ background: {GOOD}; border-radius: 6px; }}
QScrollArea {{ border: none; }}
QScrollBar:vertical {{
    width: 44px; background: {SECONDARY}; border: 2px solid #5a6b7d; border-radius: 8px;
}}
QScrollBar::handle:vertical {{ background: {PRIMARY}; min-height: 80px; border-radius: 6px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QScrollBar#screen-body-bar:vertical {{ width: 14px; border: none; border-radius: 4px; }}
QScrollBar#screen-body-bar::handle:vertical {{ min-height: 40px; border-radius: 4px; }}
QListWidget {{ border: 2px solid #b8c4d2; border-radius: 10px; }}
QListWidget::item {{ min-height: {TOUCH_PX}px; padding: 8px; border-bottom: 1px solid #d0d7df; }}
QListWidget::item:selected {{ background: {PRIMARY}; color: white; }}
"""


STYLE_SHEET = style_sheet()
