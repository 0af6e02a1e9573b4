#!/usr/bin/env python3
"""Vẽ các ảnh minh họa cho nội dung mẫu của tinhoi (không cần mạng, không dùng ảnh ngoài).

Mỗi ảnh là một tranh minh họa phong cách phẳng (flat illustration), 1600×1067 px,
JPEG chất lượng 85, được vẽ ở độ phân giải gấp đôi rồi thu nhỏ để nét vẽ mịn.
Kết quả luôn giống nhau giữa các lần chạy (mỗi cảnh dùng một hạt giống ngẫu nhiên cố định).

Chạy:  .venv/bin/python tools/make_demo_photos.py [thư_mục_đích]
Mặc định ghi vào content/images/ của dự án.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 1067
SS = 2  # hệ số vẽ phóng to (supersampling) để khử răng cưa
W, H = WIDTH * SS, HEIGHT * SS
QUALITY = 85
OUT_DIR = Path(__file__).resolve().parent.parent / "content" / "images"

# Bảng màu chung
CREAM = (248, 241, 227)
WALL = (236, 226, 206)
WALL_BLUE = (214, 228, 236)
FLOOR = (196, 160, 122)
FLOOR_DARK = (170, 134, 100)
RED = (192, 39, 45)
RED_DARK = (150, 28, 34)
GOLD = (244, 196, 48)
WHITE = (255, 255, 255)
NAVY = (38, 56, 92)
GREEN = (64, 138, 92)
GREEN_DARK = (40, 100, 66)
BROWN = (120, 78, 48)
BROWN_DARK = (92, 58, 36)
PINK = (242, 160, 176)
PINK_DARK = (214, 118, 140)
SKINS = [(241, 200, 160), (224, 178, 138), (210, 160, 120), (236, 190, 150)]
HAIRS = [(30, 26, 24), (46, 36, 30), (60, 48, 40), (200, 200, 200), (20, 20, 22)]
SHIRTS = [
    (255, 255, 255),
    (70, 110, 170),
    (90, 90, 100),
    (226, 232, 240),
    (44, 62, 80),
    (120, 150, 190),
    (250, 235, 215),
]
AO_DAI = [(190, 40, 60), (60, 120, 190), (230, 180, 60), (150, 60, 140), (40, 150, 150)]


def s(v: float) -> int:
    """Đổi tọa độ của khung 1600×1067 sang khung vẽ phóng to."""
    return int(round(v * SS))


def box(x0, y0, x1, y1):
    return [s(x0), s(y0), s(x1), s(y1)]


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=s(size))


def new_canvas(color=WALL) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W, H), color)
    return img, ImageDraw.Draw(img)


def vertical_gradient(draw: ImageDraw.ImageDraw, x0, y0, x1, y1, top, bottom, steps=48):
    for i in range(steps):
        t = i / (steps - 1)
        c = tuple(int(top[k] + (bottom[k] - top[k]) * t) for k in range(3))
        ya = y0 + (y1 - y0) * i / steps
        yb = y0 + (y1 - y0) * (i + 1) / steps
        draw.rectangle(box(x0, ya, x1, yb + 1), fill=c)


def text_center(draw, cx, cy, text, size, fill):
    f = font(size)
    draw.text((s(cx), s(cy)), text, font=f, fill=fill, anchor="mm")


def text_lines(draw, x0, y0, x1, rows, color, thickness=10, gap=22, rng=None):
    """Các vạch tượng trưng cho dòng chữ (font mặc định không có dấu tiếng Việt)."""
    rng = rng or random.Random(0)
    cx = (x0 + x1) / 2
    width = x1 - x0
    y = y0
    for i in range(rows):
        w = width * (0.95 if i == 0 else rng.uniform(0.55, 0.85))
        draw.rounded_rectangle(
            box(cx - w / 2, y, cx + w / 2, y + thickness), radius=s(thickness / 2), fill=color
        )
        y += gap


def book_emblem(draw, cx, cy, r, ring=GOLD, page=WHITE):
    """Biểu tượng quyển sách mở trong vòng tròn, dùng trên phông hội nghị."""
    draw.ellipse(box(cx - r, cy - r, cx + r, cy + r), fill=ring)
    draw.ellipse(box(cx - r * 0.82, cy - r * 0.82, cx + r * 0.82, cy + r * 0.82), fill=RED_DARK)
    w, h = r * 0.55, r * 0.42
    draw.polygon(
        [
            (s(cx), s(cy - h * 0.55)),
            (s(cx - w), s(cy - h)),
            (s(cx - w), s(cy + h * 0.7)),
            (s(cx), s(cy + h)),
        ],
        fill=page,
    )
    draw.polygon(
        [
            (s(cx), s(cy - h * 0.55)),
            (s(cx + w), s(cy - h)),
            (s(cx + w), s(cy + h * 0.7)),
            (s(cx), s(cy + h)),
        ],
        fill=(240, 236, 226),
    )
    draw.line([s(cx), s(cy - h * 0.55), s(cx), s(cy + h)], fill=RED_DARK, width=s(3))
    # ngọn lửa tri thức
    draw.ellipse(box(cx - r * 0.12, cy - h - r * 0.38, cx + r * 0.12, cy - h - r * 0.05), fill=GOLD)


def backdrop(draw, x0, y0, x1, y1, title_rows=2, caption=None, rng=None):
    """Phông hội nghị màu đỏ, viền vàng, biểu tượng bên trái, các dòng chữ tượng trưng."""
    draw.rectangle(box(x0, y0, x1, y1), fill=RED)
    draw.rectangle(box(x0, y0, x1, y0 + 14), fill=GOLD)
    draw.rectangle(box(x0, y1 - 14, x1, y1), fill=GOLD)
    h = y1 - y0
    book_emblem(draw, x0 + h * 0.55, y0 + h / 2, h * 0.32)
    tx0 = x0 + h * 1.05
    tx1 = x1 - h * 0.35
    text_lines(
        draw, tx0, y0 + h * 0.22, tx1, title_rows, GOLD, thickness=h * 0.08, gap=h * 0.16, rng=rng
    )
    if caption:
        text_center(draw, (tx0 + tx1) / 2, y0 + h * 0.74, caption, int(h * 0.14), WHITE)


def plant(draw, x, y, scale=1.0):
    """Chậu cây cảnh: y là đáy chậu."""
    pw = 60 * scale
    draw.polygon(
        [
            (s(x - pw / 2), s(y - 70 * scale)),
            (s(x + pw / 2), s(y - 70 * scale)),
            (s(x + pw * 0.38), s(y)),
            (s(x - pw * 0.38), s(y)),
        ],
        fill=(184, 92, 56),
    )
    for dx, dy, r, c in [
        (-30, -150, 55, GREEN),
        (30, -160, 50, GREEN_DARK),
        (0, -210, 55, GREEN),
        (-45, -210, 40, GREEN_DARK),
        (42, -225, 38, GREEN),
    ]:
        draw.ellipse(
            box(
                x + dx * scale - r * scale,
                y + dy * scale - r * scale,
                x + dx * scale + r * scale,
                y + dy * scale + r * scale,
            ),
            fill=c,
        )


def flowers(draw, x, y, scale=1.0, rng=None):
    """Bình hoa trên bàn: y là đáy bình."""
    rng = rng or random.Random(1)
    vw = 34 * scale
    draw.rounded_rectangle(
        box(x - vw / 2, y - 50 * scale, x + vw / 2, y), radius=s(8 * scale), fill=(230, 230, 240)
    )
    for _ in range(9):
        fx = x + rng.uniform(-45, 45) * scale
        fy = y - 50 * scale - rng.uniform(10, 70) * scale
        r = rng.uniform(10, 16) * scale
        draw.ellipse(box(fx - r * 1.3, fy - r * 0.8, fx + r * 1.3, fy + r * 0.8), fill=GREEN)
    for _ in range(8):
        fx = x + rng.uniform(-38, 38) * scale
        fy = y - 50 * scale - rng.uniform(20, 80) * scale
        r = rng.uniform(9, 14) * scale
        draw.ellipse(
            box(fx - r, fy - r, fx + r, fy + r), fill=rng.choice([(236, 64, 84), GOLD, WHITE])
        )


def bouquet(draw, cx, cy, scale, rng):
    """Bó hoa cầm tay: giấy gói hình nón, hoa ở trên."""
    draw.polygon(
        [
            (s(cx - 50 * scale), s(cy - 30 * scale)),
            (s(cx + 50 * scale), s(cy - 30 * scale)),
            (s(cx), s(cy + 90 * scale)),
        ],
        fill=(250, 240, 246),
    )
    for _ in range(7):
        fx = cx + rng.uniform(-38, 38) * scale
        fy = cy - 30 * scale - rng.uniform(0, 40) * scale
        r = rng.uniform(12, 16) * scale
        draw.ellipse(box(fx - r * 1.3, fy - r * 0.7, fx + r * 1.3, fy + r * 0.7), fill=GREEN)
    for _ in range(7):
        fx = cx + rng.uniform(-34, 34) * scale
        fy = cy - 36 * scale - rng.uniform(0, 44) * scale
        r = rng.uniform(10, 14) * scale
        draw.ellipse(
            box(fx - r, fy - r, fx + r, fy + r),
            fill=rng.choice([(236, 64, 84), GOLD, (250, 140, 60)]),
        )


def person_seated(draw, cx, table_y, scale, rng, shirt=None, hair=None, facing="front"):
    """Người ngồi sau bàn: chỉ thấy thân trên. table_y là mép trên của bàn."""
    skin = rng.choice(SKINS)
    hair = hair or rng.choice(HAIRS)
    shirt = shirt or rng.choice(SHIRTS)
    sw = 120 * scale  # bề ngang vai
    body_top = table_y - 150 * scale
    draw.rounded_rectangle(
        box(cx - sw / 2, body_top, cx + sw / 2, table_y + 10), radius=s(40 * scale), fill=shirt
    )
    # cổ áo / cà vạt
    if shirt in ((255, 255, 255), (226, 232, 240), (250, 235, 215)) and facing == "front":
        draw.polygon(
            [
                (s(cx - 9 * scale), s(body_top + 6 * scale)),
                (s(cx + 9 * scale), s(body_top + 6 * scale)),
                (s(cx + 6 * scale), s(body_top + 70 * scale)),
                (s(cx), s(body_top + 82 * scale)),
                (s(cx - 6 * scale), s(body_top + 70 * scale)),
            ],
            fill=rng.choice([RED_DARK, NAVY]),
        )
    hr = 34 * scale
    hy = body_top - hr * 0.85
    draw.rectangle(box(cx - 12 * scale, hy, cx + 12 * scale, body_top + 8 * scale), fill=skin)
    draw.ellipse(box(cx - hr, hy - hr, cx + hr, hy + hr), fill=skin)
    if facing == "back":
        draw.ellipse(box(cx - hr * 1.02, hy - hr * 1.05, cx + hr * 1.02, hy + hr * 0.9), fill=hair)
    else:
        draw.chord(
            box(cx - hr * 1.05, hy - hr * 1.1, cx + hr * 1.05, hy + hr * 0.6), 180, 360, fill=hair
        )
    return hy


def person_standing(
    draw, cx, foot_y, scale, rng, outfit=None, hair=None, hold=None, long_dress=False
):
    """Người đứng, nhìn thẳng. hold: None | 'envelope' | 'certificate' | 'flowers'."""
    skin = rng.choice(SKINS)
    hair = hair or rng.choice(HAIRS)
    outfit = outfit or rng.choice(SHIRTS)
    height = 520 * scale
    sw = 118 * scale
    top = foot_y - height
    hr = 36 * scale
    head_cy = top + hr
    body_top = head_cy + hr + 8 * scale
    waist = body_top + 200 * scale
    if long_dress:
        # áo dài: thân dài tới gần chân, quần trắng
        draw.rectangle(box(cx - sw * 0.32, waist, cx + sw * 0.32, foot_y - 12 * scale), fill=WHITE)
        draw.polygon(
            [
                (s(cx - sw / 2), s(body_top + 20 * scale)),
                (s(cx + sw / 2), s(body_top + 20 * scale)),
                (s(cx + sw * 0.48), s(foot_y - 60 * scale)),
                (s(cx - sw * 0.48), s(foot_y - 60 * scale)),
            ],
            fill=outfit,
        )
        draw.rounded_rectangle(
            box(cx - sw / 2, body_top, cx + sw / 2, waist), radius=s(40 * scale), fill=outfit
        )
    else:
        trousers = rng.choice([(40, 44, 60), (60, 60, 66), (30, 34, 46)])
        draw.rectangle(
            box(cx - sw * 0.38, waist - 10, cx - 4 * scale, foot_y - 10 * scale), fill=trousers
        )
        draw.rectangle(
            box(cx + 4 * scale, waist - 10, cx + sw * 0.38, foot_y - 10 * scale), fill=trousers
        )
        draw.rounded_rectangle(
            box(cx - sw / 2, body_top, cx + sw / 2, waist + 10 * scale),
            radius=s(40 * scale),
            fill=outfit,
        )
    # giày
    draw.ellipse(
        box(cx - sw * 0.42, foot_y - 22 * scale, cx - 2 * scale, foot_y), fill=(30, 30, 30)
    )
    draw.ellipse(
        box(cx + 2 * scale, foot_y - 22 * scale, cx + sw * 0.42, foot_y), fill=(30, 30, 30)
    )
    if long_dress:  # tóc dài buông sau lưng
        draw.rounded_rectangle(
            box(cx - hr * 1.05, head_cy - hr * 0.4, cx + hr * 1.05, body_top + 90 * scale),
            radius=s(30 * scale),
            fill=hair,
        )
    # cổ và đầu
    draw.rectangle(box(cx - 12 * scale, head_cy, cx + 12 * scale, body_top + 10 * scale), fill=skin)
    draw.ellipse(box(cx - hr, head_cy - hr, cx + hr, head_cy + hr), fill=skin)
    draw.chord(
        box(cx - hr * 1.06, head_cy - hr * 1.12, cx + hr * 1.06, head_cy + hr * 0.55),
        180,
        360,
        fill=hair,
    )
    # tay cầm vật ở trước ngực
    hy = body_top + 120 * scale
    if hold == "envelope":
        draw.rectangle(
            box(cx - 44 * scale, hy - 30 * scale, cx + 44 * scale, hy + 30 * scale),
            fill=(250, 250, 246),
        )
        draw.polygon(
            [
                (s(cx - 44 * scale), s(hy - 30 * scale)),
                (s(cx + 44 * scale), s(hy - 30 * scale)),
                (s(cx), s(hy + 4 * scale)),
            ],
            fill=(232, 228, 218),
        )
        draw.rectangle(
            box(cx - 44 * scale, hy + 14 * scale, cx + 44 * scale, hy + 22 * scale), fill=RED
        )
    elif hold == "certificate":
        draw.rectangle(
            box(cx - 52 * scale, hy - 38 * scale, cx + 52 * scale, hy + 38 * scale), fill=GOLD
        )
        draw.rectangle(
            box(cx - 44 * scale, hy - 30 * scale, cx + 44 * scale, hy + 30 * scale),
            fill=(255, 252, 238),
        )
        draw.ellipse(
            box(cx - 10 * scale, hy + 2 * scale, cx + 10 * scale, hy + 22 * scale), fill=RED
        )
        for k in range(3):
            yy = hy - 20 * scale + k * 9 * scale
            draw.line(
                [s(cx - 30 * scale), s(yy), s(cx + 30 * scale), s(yy)],
                fill=(190, 170, 120),
                width=s(3 * scale),
            )
    elif hold == "flowers":
        bouquet(draw, cx, hy, scale, rng)
    if hold:
        for side in (-1, 1):
            draw.ellipse(
                box(
                    cx + side * 46 * scale - 11 * scale,
                    hy - 8 * scale,
                    cx + side * 46 * scale + 11 * scale,
                    hy + 14 * scale,
                ),
                fill=skin,
            )
    return head_cy


def stage_floor(draw, y, color=(150, 40, 40), edge=(120, 28, 30)):
    draw.rectangle(box(0, y, WIDTH, HEIGHT), fill=color)
    draw.rectangle(box(0, y, WIDTH, y + 10), fill=edge)


def save(img: Image.Image, path: Path) -> None:
    small = img.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    small.save(path, "JPEG", quality=QUALITY, optimize=True, progressive=True)


# ---------------------------------------------------------------- cảnh


def scene_meeting_room(rng: random.Random) -> Image.Image:
    """Phòng họp: bàn dài theo phối cảnh, hai dãy người ngồi, phông đỏ ở tường cuối."""
    img, d = new_canvas(WALL)
    vertical_gradient(d, 0, 0, WIDTH, 560, (242, 234, 216), WALL)
    d.rectangle(box(0, 560, WIDTH, HEIGHT), fill=FLOOR)
    for x in range(-200, WIDTH + 200, 120):
        d.line(
            [s(x), s(HEIGHT), s(WIDTH / 2 + (x - WIDTH / 2) * 0.3), s(560)],
            fill=FLOOR_DARK,
            width=s(2),
        )
    # cửa sổ hai bên
    for x0 in (60, 1330):
        d.rectangle(box(x0, 110, x0 + 210, 430), fill=(250, 250, 250))
        d.rectangle(box(x0 + 12, 122, x0 + 198, 418), fill=(176, 214, 236))
        d.line([s(x0 + 105), s(122), s(x0 + 105), s(418)], fill=WHITE, width=s(8))
        d.rectangle(box(x0 - 16, 96, x0 + 60, 450), fill=(200, 70, 70))
        d.rectangle(box(x0 + 150, 96, x0 + 226, 450), fill=(200, 70, 70))
    backdrop(d, 420, 90, 1180, 380, title_rows=3, rng=rng)
    # bàn chữ U nhìn từ cuối phòng: mặt bàn là hình thang
    top_y, bot_y = 560, 1010
    d.polygon(
        [(s(650), s(top_y)), (s(950), s(top_y)), (s(1230), s(bot_y)), (s(370), s(bot_y))],
        fill=(138, 88, 56),
    )
    d.polygon(
        [
            (s(680), s(top_y + 8)),
            (s(920), s(top_y + 8)),
            (s(1160), s(bot_y - 30)),
            (s(440), s(bot_y - 30)),
        ],
        fill=(232, 236, 240),
    )
    d.rectangle(box(370, bot_y, 1230, bot_y + 30), fill=BROWN_DARK)
    # người ngồi hai bên, xa nhỏ gần to
    for i in range(5):
        t = i / 4
        y = top_y + 40 + (bot_y - top_y - 120) * t
        scale = 0.55 + 0.6 * t
        xl = 650 - (650 - 370) * ((y - top_y) / (bot_y - top_y)) - 70 * scale
        xr = 950 + (1230 - 950) * ((y - top_y) / (bot_y - top_y)) + 70 * scale
        person_seated(d, xl, y, scale, rng)
        person_seated(d, xr, y, scale, rng)
    # chủ tọa ở đầu bàn
    person_seated(d, 800, top_y + 10, 0.55, rng, shirt=WHITE)
    # micro, cốc nước, bình hoa
    for i in range(6):
        t = i / 5
        y = top_y + 60 + (bot_y - top_y - 130) * t
        left = 650 - (650 - 370) * ((y - top_y) / (bot_y - top_y)) + 60
        right = 950 + (1230 - 950) * ((y - top_y) / (bot_y - top_y)) - 60
        for x in (left, right):
            d.rectangle(box(x - 6, y - 26, x + 6, y), fill=(200, 224, 240))
    flowers(d, 800, 860, 1.3, rng)
    return img


def scene_signing(rng: random.Random) -> Image.Image:
    """Lễ ký kết: hai người ngồi ký ở bàn phủ khăn, phía sau có người chứng kiến và phông."""
    img, d = new_canvas((232, 222, 204))
    backdrop(d, 120, 70, 1480, 470, title_rows=2, caption="2018 - 2020", rng=rng)
    stage_floor(d, 700)
    # người chứng kiến đứng phía sau
    for i, x in enumerate([330, 520, 710, 890, 1080, 1270]):
        person_standing(
            d,
            x,
            760,
            0.72,
            rng,
            long_dress=(i in (1, 4)),
            outfit=rng.choice(AO_DAI) if i in (1, 4) else None,
        )
    # bàn ký
    d.rectangle(box(220, 690, 1380, 980), fill=(250, 250, 250))
    d.rectangle(box(220, 690, 1380, 730), fill=RED)
    for x in range(240, 1380, 60):
        d.polygon([(s(x), s(730)), (s(x + 30), s(760)), (s(x + 60), s(730))], fill=RED)
    book_emblem(d, 800, 870, 70)
    text_lines(d, 300, 820, 700, 3, RED, thickness=16, gap=42, rng=rng)
    text_lines(d, 900, 820, 1300, 3, RED, thickness=16, gap=42, rng=rng)
    # hai người ký
    for x, shirt in ((560, WHITE), (1040, (226, 232, 240))):
        person_seated(d, x, 700, 1.05, rng, shirt=shirt)
        d.rectangle(box(x - 110, 650, x + 110, 700), fill=NAVY)  # bìa văn bản
        d.rectangle(box(x - 100, 656, x + 100, 694), fill=WHITE)
        d.line([s(x + 20), s(640), s(x + 70), s(690)], fill=(20, 20, 20), width=s(6))  # bút
        d.ellipse(box(x + 50, 660, x + 90, 700), fill=rng.choice(SKINS))
    # cờ để bàn
    for x in (800,):
        d.line([s(x), s(560), s(x), s(690)], fill=(160, 160, 160), width=s(5))
        d.rectangle(box(x, 560, x + 70, 605), fill=RED)
        d.regular_polygon((s(x + 35), s(582), s(12)), 5, fill=GOLD)
        d.rectangle(box(x - 30, 680, x + 30, 692), fill=(120, 120, 120))
    flowers(d, 330, 690, 1.0, rng)
    flowers(d, 1270, 690, 1.0, rng)
    return img


def scene_award_stage(rng: random.Random) -> Image.Image:
    """Sân khấu trao học bổng: học sinh, sinh viên xếp hàng cầm phong bì."""
    img, d = new_canvas((40, 48, 78))
    # ánh đèn sân khấu
    for x in (300, 800, 1300):
        d.polygon(
            [(s(x - 40), s(0)), (s(x + 40), s(0)), (s(x + 260), s(780)), (s(x - 260), s(780))],
            fill=(58, 66, 98),
        )
    backdrop(d, 160, 60, 1440, 400, title_rows=2, caption="1&1", rng=rng)
    stage_floor(d, 760, color=(120, 70, 50), edge=(90, 50, 36))
    # hàng người nhận: áo trắng học sinh, áo dài
    xs = [170 + i * 140 for i in range(10)]
    for i, x in enumerate(xs):
        dress = i % 3 == 1
        person_standing(
            d,
            x,
            900,
            0.85,
            rng,
            outfit=rng.choice(AO_DAI)
            if dress
            else rng.choice([WHITE, (226, 232, 240), (120, 150, 190)]),
            long_dress=dress,
            hold="envelope",
        )
    # hai đại biểu trao hoa ở hai đầu
    person_standing(d, 90, 960, 0.95, rng, outfit=NAVY, hold="flowers")
    person_standing(d, 1520, 960, 0.95, rng, outfit=(70, 70, 80), hold="flowers")
    # bục sân khấu phía trước
    d.rectangle(box(0, 960, WIDTH, HEIGHT), fill=(96, 54, 40))
    for x in range(0, WIDTH, 200):
        plant(d, x + 100, HEIGHT + 20, 0.7)
    return img


def scene_piggy_bank(rng: random.Random) -> Image.Image:
    """Heo đất khuyến học trên bàn học, cạnh sách vở và đồng xu."""
    img, d = new_canvas((252, 236, 214))
    vertical_gradient(d, 0, 0, WIDTH, 720, (255, 244, 226), (246, 222, 196))
    # cửa sổ
    d.rounded_rectangle(box(1060, 90, 1480, 520), radius=s(20), fill=WHITE)
    d.rectangle(box(1080, 110, 1460, 500), fill=(178, 220, 240))
    d.ellipse(box(1300, 150, 1400, 250), fill=(255, 230, 120))
    d.line([s(1270), s(110), s(1270), s(500)], fill=WHITE, width=s(10))
    d.line([s(1080), s(305), s(1460), s(305)], fill=WHITE, width=s(10))
    # bàn gỗ
    d.rectangle(box(0, 720, WIDTH, HEIGHT), fill=(176, 118, 72))
    d.rectangle(box(0, 720, WIDTH, 740), fill=(150, 98, 58))
    for y in (800, 880, 960, 1040):
        d.line([s(0), s(y), s(WIDTH), s(y + 6)], fill=(160, 106, 64), width=s(3))
    # chồng sách
    colors = [(70, 110, 170), RED, GREEN, GOLD, (150, 60, 140)]
    y = 740
    for c in colors:
        x0 = 120 + rng.uniform(-20, 20)
        d.rounded_rectangle(box(x0, y - 60, x0 + 380, y), radius=s(6), fill=c)
        d.rectangle(box(x0 + 360, y - 54, x0 + 376, y - 6), fill=(250, 248, 240))
        y -= 60
    # heo đất
    cx, cy = 860, 560
    d.ellipse(box(cx - 280, cy - 190, cx + 280, cy + 190), fill=PINK)
    d.ellipse(box(cx - 240, cy - 160, cx + 100, cy + 40), fill=(248, 186, 198))  # vệt sáng
    for lx in (-170, -60, 70, 180):
        d.rounded_rectangle(
            box(cx + lx - 38, cy + 120, cx + lx + 38, cy + 230), radius=s(18), fill=PINK_DARK
        )
    d.ellipse(box(cx + 230, cy - 40, cx + 340, cy + 80), fill=PINK_DARK)  # mõm
    d.ellipse(box(cx + 262, cy - 2, cx + 282, cy + 36), fill=(170, 80, 100))
    d.ellipse(box(cx + 294, cy - 2, cx + 314, cy + 36), fill=(170, 80, 100))
    d.ellipse(box(cx + 150, cy - 90, cx + 186, cy - 54), fill=(60, 40, 40))  # mắt
    d.polygon(
        [(s(cx + 70), s(cy - 170)), (s(cx + 150), s(cy - 250)), (s(cx + 170), s(cy - 150))],
        fill=PINK_DARK,
    )
    d.polygon(
        [(s(cx - 40), s(cy - 180)), (s(cx + 10), s(cy - 260)), (s(cx + 50), s(cy - 180))],
        fill=PINK_DARK,
    )
    d.rounded_rectangle(
        box(cx - 90, cy - 196, cx + 30, cy - 176), radius=s(8), fill=(150, 70, 90)
    )  # khe bỏ tiền
    d.arc(box(cx - 350, cy - 60, cx - 270, cy + 20), 90, 300, fill=PINK_DARK, width=s(12))  # đuôi
    # hoa mai trang trí trên mình heo
    for fx, fy in ((cx - 120, cy + 40), (cx - 40, cy + 90), (cx + 40, cy + 30)):
        for a in range(5):
            ang = a * 2 * math.pi / 5
            px, py = fx + 18 * math.cos(ang), fy + 18 * math.sin(ang)
            d.ellipse(box(px - 14, py - 14, px + 14, py + 14), fill=GOLD)
        d.ellipse(box(fx - 9, fy - 9, fx + 9, fy + 9), fill=RED)
    # đồng xu rơi vào khe và trên bàn
    d.ellipse(box(cx - 60, cy - 330, cx, cy - 270), fill=GOLD, outline=(200, 150, 20), width=s(5))
    for _ in range(9):
        x = rng.uniform(1180, 1520)
        yb = rng.uniform(770, 1000)
        d.ellipse(
            box(x - 40, yb - 16, x + 40, yb + 16), fill=GOLD, outline=(200, 150, 20), width=s(4)
        )
    return img


def scene_classroom(rng: random.Random) -> Image.Image:
    """Lớp học ở Trung tâm học tập cộng đồng: bảng xanh, cô giáo, học viên nhìn từ phía sau."""
    img, d = new_canvas((230, 236, 222))
    d.rectangle(box(0, 640, WIDTH, HEIGHT), fill=(200, 186, 160))
    # bảng
    d.rectangle(box(300, 110, 1300, 500), fill=BROWN)
    d.rectangle(box(318, 128, 1282, 482), fill=(46, 94, 70))
    text_lines(d, 380, 180, 900, 4, (230, 240, 230), thickness=10, gap=60, rng=rng)
    d.ellipse(box(1000, 200, 1200, 400), outline=(230, 240, 230), width=s(6))
    d.line([s(1000), s(300), s(1200), s(300)], fill=(230, 240, 230), width=s(5))
    d.rectangle(box(330, 500, 1270, 514), fill=(160, 110, 70))
    # đồng hồ và khẩu hiệu
    d.ellipse(box(1390, 120, 1490, 220), fill=WHITE, outline=NAVY, width=s(6))
    d.line([s(1440), s(170), s(1440), s(135)], fill=NAVY, width=s(5))
    d.line([s(1440), s(170), s(1468), s(180)], fill=NAVY, width=s(5))
    d.rectangle(box(60, 120, 240, 420), fill=RED)
    text_lines(d, 80, 160, 220, 6, GOLD, thickness=12, gap=40, rng=rng)
    # cô giáo
    person_standing(d, 1350, 700, 0.9, rng, outfit=rng.choice(AO_DAI), long_dress=True)
    # các dãy bàn, người học nhìn từ sau
    rows = [(690, 0.75), (820, 0.9), (970, 1.1)]
    for y, sc in rows:
        n = 4
        for i in range(n):
            x = 220 + i * (1160 / (n - 1)) + (y - 690) * 0.02 * (i - 1.5)
            person_seated(d, x, y + 70 * sc, sc, rng, facing="back")
        d.rectangle(box(80, y + 60 * sc, 1520, y + 90 * sc), fill=(176, 118, 72))
    return img


def scene_conference(rng: random.Random) -> Image.Image:
    """Hội nghị giao ban: hội trường có bục phát biểu, đại biểu ngồi nhìn lên sân khấu."""
    img, d = new_canvas((210, 200, 184))
    d.rectangle(box(0, 0, WIDTH, 520), fill=(222, 212, 194))
    backdrop(d, 240, 60, 1360, 360, title_rows=3, rng=rng)
    # sân khấu
    d.rectangle(box(120, 420, 1480, 520), fill=(150, 40, 40))
    d.rectangle(box(120, 420, 1480, 432), fill=RED_DARK)
    # bàn chủ tọa
    d.rectangle(box(560, 330, 1260, 420), fill=WHITE)
    d.rectangle(box(560, 330, 1260, 346), fill=RED)
    for x in (660, 800, 940, 1080, 1200):
        person_seated(d, x, 335, 0.5, rng)
    # bục phát biểu
    d.polygon([(s(250), s(300)), (s(410), s(300)), (s(390), s(430)), (s(270), s(430))], fill=BROWN)
    person_standing(d, 330, 410, 0.5, rng, outfit=NAVY)
    d.polygon(
        [(s(240), s(330)), (s(420), s(330)), (s(400), s(440)), (s(260), s(440))], fill=BROWN_DARK
    )
    book_emblem(d, 330, 385, 30)
    plant(d, 180, 425, 0.6)
    plant(d, 1430, 425, 0.6)
    # khán phòng: các hàng ghế và đầu đại biểu nhìn từ phía sau
    rows = [(600, 0.55, 12), (700, 0.68, 10), (820, 0.85, 8), (960, 1.05, 7)]
    for y, sc, n in rows:
        d.rectangle(box(0, y - 10 * sc, WIDTH, y + 60 * sc), fill=(120, 40, 44))
        for i in range(n):
            x = (i + 0.5) * WIDTH / n + rng.uniform(-20, 20)
            person_seated(d, x, y + 40 * sc, sc, rng, facing="back")
        d.rectangle(box(0, y + 40 * sc, WIDTH, y + 110 * sc), fill=(140, 50, 54))
    return img


def scene_youth_honor(rng: random.Random) -> Image.Image:
    """Tuyên dương thanh niên tiêu biểu: áo xanh thanh niên, bằng khen và hoa."""
    img, d = new_canvas((26, 60, 110))
    for _ in range(14):
        x = rng.uniform(0, WIDTH)
        y = rng.uniform(0, 420)
        r = rng.uniform(4, 10)
        d.ellipse(box(x - r, y - r, x + r, y + r), fill=(250, 220, 120))
    backdrop(d, 220, 70, 1380, 380, title_rows=2, caption="2019", rng=rng)
    stage_floor(d, 760, color=(30, 80, 140), edge=(20, 60, 110))
    youth_blue = (30, 120, 200)
    xs = [200 + i * 150 for i in range(9)]
    for i, x in enumerate(xs):
        person_standing(
            d, x, 930, 0.85, rng, outfit=youth_blue, hold="certificate" if i % 2 == 0 else "flowers"
        )
    d.rectangle(box(0, 930, WIDTH, HEIGHT), fill=(20, 50, 90))
    for x in range(80, WIDTH, 180):
        flowers(d, x, HEIGHT + 10, 1.4, rng)
    return img


def scene_library(rng: random.Random) -> Image.Image:
    """Tủ sách cộng đồng: kệ sách, người lớn tuổi và các em đọc sách bên bàn."""
    img, d = new_canvas((240, 230, 210))
    d.rectangle(box(0, 700, WIDTH, HEIGHT), fill=(186, 150, 112))
    # ba kệ sách
    for kx in (60, 560, 1060):
        d.rectangle(box(kx, 100, kx + 480, 700), fill=BROWN)
        for shelf in range(5):
            y0 = 120 + shelf * 115
            d.rectangle(box(kx + 16, y0, kx + 464, y0 + 100), fill=(96, 60, 36))
            x = kx + 24
            while x < kx + 440:
                bw = rng.uniform(18, 36)
                bh = rng.uniform(62, 96)
                c = rng.choice(
                    [(70, 110, 170), RED, GREEN, GOLD, (150, 60, 140), (230, 230, 220), NAVY]
                )
                d.rectangle(box(x, y0 + 100 - bh, x + bw, y0 + 100), fill=c)
                x += bw + rng.uniform(2, 6)
    # bàn đọc
    d.rectangle(box(200, 840, 1400, 880), fill=(150, 98, 58))
    people = [(360, WHITE), (620, (120, 150, 190)), (980, rng.choice(AO_DAI)), (1240, WHITE)]
    for x, shirt in people:
        person_seated(d, x, 850, 1.0, rng, shirt=shirt, hair=(200, 200, 200) if x == 620 else None)
        # quyển sách mở
        d.polygon(
            [(s(x), s(820)), (s(x - 80), s(800)), (s(x - 80), s(846)), (s(x), s(852))], fill=WHITE
        )
        d.polygon(
            [(s(x), s(820)), (s(x + 80), s(800)), (s(x + 80), s(846)), (s(x), s(852))],
            fill=(240, 236, 226),
        )
    d.rectangle(box(200, 880, 1400, 1067), fill=(170, 112, 68))
    return img


def scene_online(rng: random.Random) -> Image.Image:
    """Học trực tuyến: máy tính xách tay trên bàn học, đèn bàn, cây xanh."""
    img, d = new_canvas((220, 232, 240))
    vertical_gradient(d, 0, 0, WIDTH, 700, (232, 240, 246), (206, 222, 234))
    d.rectangle(box(0, 700, WIDTH, HEIGHT), fill=(190, 140, 96))
    d.rectangle(box(0, 700, WIDTH, 718), fill=(160, 114, 74))
    # máy tính xách tay
    d.rounded_rectangle(box(480, 210, 1120, 640), radius=s(18), fill=(60, 64, 72))
    d.rectangle(box(505, 235, 1095, 615), fill=(244, 248, 252))
    # lưới ô video trong màn hình
    for r in range(2):
        for c in range(3):
            x0 = 520 + c * 192
            y0 = 250 + r * 180
            d.rectangle(
                box(x0, y0, x0 + 180, y0 + 168),
                fill=rng.choice([(200, 220, 240), (220, 236, 210), (246, 226, 206)]),
            )
            person_seated(d, x0 + 90, y0 + 168, 0.55, rng)
    d.polygon(
        [(s(420), s(700)), (s(1180), s(700)), (s(1120), s(640)), (s(480), s(640))],
        fill=(120, 126, 136),
    )
    # đèn bàn
    d.rectangle(box(1300, 690, 1420, 706), fill=(40, 40, 40))
    d.line([s(1360), s(690), s(1330), s(470)], fill=(40, 40, 40), width=s(14))
    d.line([s(1330), s(470), s(1400), s(380)], fill=(40, 40, 40), width=s(14))
    d.polygon([(s(1360), s(340)), (s(1480), s(400)), (s(1430), s(460))], fill=GOLD)
    # cốc bút và vở
    d.rounded_rectangle(box(230, 580, 320, 700), radius=s(10), fill=RED)
    for k, c in enumerate([NAVY, GREEN, GOLD]):
        d.line([s(250 + k * 25), s(580), s(240 + k * 30), s(510)], fill=c, width=s(10))
    d.polygon([(s(120), s(760)), (s(420), s(740)), (s(440), s(860)), (s(140), s(880))], fill=WHITE)
    for k in range(5):
        d.line([s(150), s(780 + k * 18), s(420), s(764 + k * 18)], fill=(170, 200, 230), width=s(3))
    plant(d, 1500, 700, 0.8)
    return img


SCENES = {
    "phong-hop-thanh-uy.jpg": (scene_meeting_room, 101),
    "ky-ket-phoi-hop.jpg": (scene_signing, 202),
    "trao-hoc-bong-khuyen-tai.jpg": (scene_award_stage, 303),
    "heo-dat-khuyen-hoc.jpg": (scene_piggy_bank, 404),
    "lop-hoc-cong-dong.jpg": (scene_classroom, 505),
    "hoi-nghi-giao-ban.jpg": (scene_conference, 606),
    "tuyen-duong-thanh-nien.jpg": (scene_youth_honor, 707),
    "tu-sach-cong-dong.jpg": (scene_library, 808),
    "hoc-truc-tuyen.jpg": (scene_online, 909),
}


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (scene, seed) in SCENES.items():
        img = scene(random.Random(seed))
        path = out_dir / name
        save(img, path)
        print(f"{path}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
