"""The text layer of the documents' PDFs: real characters, not radicals.

wkhtmltopdf (Qt) writes, for each glyph, the lowest code point the font maps to
it. CJK fonts such as Noto CJK SC draw 人 and the Kangxi radical ⼈ (U+2F08)
with one glyph, so a PDF printed with them reads ⼈⺠币 instead of 人民币: a search
for the borrower's name or 人民币 fails and a copied amount is wrong. The
documents' PDFs get the unified ideograph back in their ``ToUnicode`` maps.

``RADICAL_IDEOGRAPHS`` maps each radical (U+2E80-U+2FDF) and stroke
(U+31C0-U+31EF) code point to the ideograph that shares its glyph in Noto Serif
CJK SC and Noto Sans CJK SC (read from the fonts' cmap tables of Debian's
fonts-noto-cjk; the Kangxi radicals agree with their Unicode compatibility
decomposition, except ⼾, whose simplified glyph is 户).
"""

import io
import re

from reportlab.pdfbase.pdfmetrics import stringWidth

from odoo.tools.pdf import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    PdfFileReader,
    PdfFileWriter,
)

RADICAL_IDEOGRAPHS = {
    0x2E82: 0x4E5B,  # ⺂ 乛
    0x2E83: 0x4E5A,  # ⺃ 乚
    0x2E85: 0x4EBB,  # ⺅ 亻
    0x2E87: 0x20628,  # ⺇ 𠘨
    0x2E89: 0x5202,  # ⺉ 刂
    0x2E8B: 0x353E,  # ⺋ 㔾
    0x2E8D: 0x2D544,  # ⺍ 𭕄
    0x2E8E: 0x5140,  # ⺎ 兀
    0x2E8F: 0x5C23,  # ⺏ 尣
    0x2E90: 0x5C22,  # ⺐ 尢
    0x2E92: 0x5DF3,  # ⺒ 巳
    0x2E93: 0x5E7A,  # ⺓ 幺
    0x2E94: 0x5F51,  # ⺔ 彑
    0x2E95: 0x5F50,  # ⺕ 彐
    0x2E96: 0x5FC4,  # ⺖ 忄
    0x2E98: 0x624C,  # ⺘ 扌
    0x2E99: 0x6535,  # ⺙ 攵
    0x2E9B: 0x65E1,  # ⺛ 旡
    0x2E9E: 0x6B7A,  # ⺞ 歺
    0x2E9F: 0x6BCD,  # ⺟ 母
    0x2EA0: 0x6C11,  # ⺠ 民
    0x2EA1: 0x6C35,  # ⺡ 氵
    0x2EA3: 0x706C,  # ⺣ 灬
    0x2EA4: 0x722B,  # ⺤ 爫
    0x2EA6: 0x4E2C,  # ⺦ 丬
    0x2EA8: 0x72AD,  # ⺨ 犭
    0x2EA9: 0x248E9,  # ⺩ 𤣩
    0x2EAB: 0x7F52,  # ⺫ 罒
    0x2EAD: 0x793B,  # ⺭ 礻
    0x2EAE: 0x25AD7,  # ⺮ 𥫗
    0x2EAF: 0x7CF9,  # ⺯ 糹
    0x2EB0: 0x7E9F,  # ⺰ 纟
    0x2EB1: 0x7F53,  # ⺱ 罓
    0x2EB2: 0x7F52,  # ⺲ 罒
    0x2EB3: 0x34C1,  # ⺳ 㓁
    0x2EB9: 0x8002,  # ⺹ 耂
    0x2EBA: 0x8080,  # ⺺ 肀
    0x2EBD: 0x26951,  # ⺽ 𦥑
    0x2EBE: 0x8279,  # ⺾ 艹
    0x2EC1: 0x864E,  # ⻁ 虎
    0x2EC2: 0x8864,  # ⻂ 衤
    0x2EC3: 0x8980,  # ⻃ 覀
    0x2EC5: 0x89C1,  # ⻅ 见
    0x2EC6: 0x89D2,  # ⻆ 角
    0x2EC7: 0x278B2,  # ⻇ 𧢲
    0x2EC8: 0x8BA0,  # ⻈ 讠
    0x2EC9: 0x8D1D,  # ⻉ 贝
    0x2ECA: 0x27FB7,  # ⻊ 𧾷
    0x2ECB: 0x8F66,  # ⻋ 车
    0x2ECC: 0x8FB6,  # ⻌ 辶
    0x2ED0: 0x9485,  # ⻐ 钅
    0x2ED1: 0x9577,  # ⻑ 長
    0x2ED2: 0x9578,  # ⻒ 镸
    0x2ED3: 0x957F,  # ⻓ 长
    0x2ED4: 0x95E8,  # ⻔ 门
    0x2ED5: 0x28E0F,  # ⻕ 𨸏
    0x2ED6: 0x961D,  # ⻖ 阝
    0x2ED8: 0x9752,  # ⻘ 青
    0x2ED9: 0x97E6,  # ⻙ 韦
    0x2EDA: 0x9875,  # ⻚ 页
    0x2EDB: 0x98CE,  # ⻛ 风
    0x2EDC: 0x98DE,  # ⻜ 飞
    0x2EDD: 0x98DF,  # ⻝ 食
    0x2EDE: 0x2967F,  # ⻞ 𩙿
    0x2EDF: 0x98E0,  # ⻟ 飠
    0x2EE0: 0x9963,  # ⻠ 饣
    0x2EE1: 0x29810,  # ⻡ 𩠐
    0x2EE2: 0x9A6C,  # ⻢ 马
    0x2EE3: 0x9AA8,  # ⻣ 骨
    0x2EE4: 0x9B3C,  # ⻤ 鬼
    0x2EE5: 0x9C7C,  # ⻥ 鱼
    0x2EE6: 0x9E1F,  # ⻦ 鸟
    0x2EE7: 0x5364,  # ⻧ 卤
    0x2EE8: 0x9EA6,  # ⻨ 麦
    0x2EE9: 0x9EC4,  # ⻩ 黄
    0x2EEA: 0x9EFE,  # ⻪ 黾
    0x2EEB: 0x6589,  # ⻫ 斉
    0x2EEC: 0x9F50,  # ⻬ 齐
    0x2EEE: 0x9F7F,  # ⻮ 齿
    0x2EEF: 0x7ADC,  # ⻯ 竜
    0x2EF0: 0x9F99,  # ⻰ 龙
    0x2EF1: 0x9F9C,  # ⻱ 龜
    0x2EF2: 0x4E80,  # ⻲ 亀
    0x2EF3: 0x9F9F,  # ⻳ 龟
    0x2F00: 0x4E00,  # ⼀ 一
    0x2F01: 0x4E28,  # ⼁ 丨
    0x2F02: 0x4E36,  # ⼂ 丶
    0x2F03: 0x4E3F,  # ⼃ 丿
    0x2F04: 0x4E59,  # ⼄ 乙
    0x2F05: 0x4E85,  # ⼅ 亅
    0x2F06: 0x4E8C,  # ⼆ 二
    0x2F07: 0x4EA0,  # ⼇ 亠
    0x2F08: 0x4EBA,  # ⼈ 人
    0x2F09: 0x513F,  # ⼉ 儿
    0x2F0A: 0x5165,  # ⼊ 入
    0x2F0B: 0x516B,  # ⼋ 八
    0x2F0C: 0x5182,  # ⼌ 冂
    0x2F0D: 0x5196,  # ⼍ 冖
    0x2F0E: 0x51AB,  # ⼎ 冫
    0x2F0F: 0x51E0,  # ⼏ 几
    0x2F10: 0x51F5,  # ⼐ 凵
    0x2F11: 0x5200,  # ⼑ 刀
    0x2F12: 0x529B,  # ⼒ 力
    0x2F13: 0x52F9,  # ⼓ 勹
    0x2F14: 0x5315,  # ⼔ 匕
    0x2F15: 0x531A,  # ⼕ 匚
    0x2F16: 0x5338,  # ⼖ 匸
    0x2F17: 0x5341,  # ⼗ 十
    0x2F18: 0x535C,  # ⼘ 卜
    0x2F19: 0x5369,  # ⼙ 卩
    0x2F1A: 0x5382,  # ⼚ 厂
    0x2F1B: 0x53B6,  # ⼛ 厶
    0x2F1C: 0x53C8,  # ⼜ 又
    0x2F1D: 0x53E3,  # ⼝ 口
    0x2F1E: 0x56D7,  # ⼞ 囗
    0x2F1F: 0x571F,  # ⼟ 土
    0x2F20: 0x58EB,  # ⼠ 士
    0x2F21: 0x5902,  # ⼡ 夂
    0x2F22: 0x590A,  # ⼢ 夊
    0x2F23: 0x5915,  # ⼣ 夕
    0x2F24: 0x5927,  # ⼤ 大
    0x2F25: 0x5973,  # ⼥ 女
    0x2F26: 0x5B50,  # ⼦ 子
    0x2F27: 0x5B80,  # ⼧ 宀
    0x2F28: 0x5BF8,  # ⼨ 寸
    0x2F29: 0x5C0F,  # ⼩ 小
    0x2F2A: 0x5C22,  # ⼪ 尢
    0x2F2B: 0x5C38,  # ⼫ 尸
    0x2F2C: 0x5C6E,  # ⼬ 屮
    0x2F2D: 0x5C71,  # ⼭ 山
    0x2F2E: 0x5DDB,  # ⼮ 巛
    0x2F2F: 0x5DE5,  # ⼯ 工
    0x2F30: 0x5DF1,  # ⼰ 己
    0x2F31: 0x5DFE,  # ⼱ 巾
    0x2F32: 0x5E72,  # ⼲ 干
    0x2F33: 0x5E7A,  # ⼳ 幺
    0x2F34: 0x5E7F,  # ⼴ 广
    0x2F35: 0x5EF4,  # ⼵ 廴
    0x2F36: 0x5EFE,  # ⼶ 廾
    0x2F37: 0x5F0B,  # ⼷ 弋
    0x2F38: 0x5F13,  # ⼸ 弓
    0x2F3A: 0x5F61,  # ⼺ 彡
    0x2F3B: 0x5F73,  # ⼻ 彳
    0x2F3C: 0x5FC3,  # ⼼ 心
    0x2F3D: 0x6208,  # ⼽ 戈
    0x2F3E: 0x6237,  # ⼾ 户
    0x2F3F: 0x624B,  # ⼿ 手
    0x2F40: 0x652F,  # ⽀ 支
    0x2F41: 0x6534,  # ⽁ 攴
    0x2F42: 0x6587,  # ⽂ 文
    0x2F43: 0x6597,  # ⽃ 斗
    0x2F44: 0x65A4,  # ⽄ 斤
    0x2F45: 0x65B9,  # ⽅ 方
    0x2F46: 0x65E0,  # ⽆ 无
    0x2F47: 0x65E5,  # ⽇ 日
    0x2F48: 0x66F0,  # ⽈ 曰
    0x2F49: 0x6708,  # ⽉ 月
    0x2F4A: 0x6728,  # ⽊ 木
    0x2F4B: 0x6B20,  # ⽋ 欠
    0x2F4C: 0x6B62,  # ⽌ 止
    0x2F4D: 0x6B79,  # ⽍ 歹
    0x2F4E: 0x6BB3,  # ⽎ 殳
    0x2F4F: 0x6BCB,  # ⽏ 毋
    0x2F50: 0x6BD4,  # ⽐ 比
    0x2F51: 0x6BDB,  # ⽑ 毛
    0x2F52: 0x6C0F,  # ⽒ 氏
    0x2F53: 0x6C14,  # ⽓ 气
    0x2F54: 0x6C34,  # ⽔ 水
    0x2F55: 0x706B,  # ⽕ 火
    0x2F56: 0x722A,  # ⽖ 爪
    0x2F57: 0x7236,  # ⽗ 父
    0x2F58: 0x723B,  # ⽘ 爻
    0x2F59: 0x723F,  # ⽙ 爿
    0x2F5A: 0x7247,  # ⽚ 片
    0x2F5B: 0x7259,  # ⽛ 牙
    0x2F5C: 0x725B,  # ⽜ 牛
    0x2F5D: 0x72AC,  # ⽝ 犬
    0x2F5E: 0x7384,  # ⽞ 玄
    0x2F5F: 0x7389,  # ⽟ 玉
    0x2F60: 0x74DC,  # ⽠ 瓜
    0x2F61: 0x74E6,  # ⽡ 瓦
    0x2F62: 0x7518,  # ⽢ 甘
    0x2F63: 0x751F,  # ⽣ 生
    0x2F64: 0x7528,  # ⽤ 用
    0x2F65: 0x7530,  # ⽥ 田
    0x2F66: 0x758B,  # ⽦ 疋
    0x2F67: 0x7592,  # ⽧ 疒
    0x2F68: 0x7676,  # ⽨ 癶
    0x2F69: 0x767D,  # ⽩ 白
    0x2F6A: 0x76AE,  # ⽪ 皮
    0x2F6B: 0x76BF,  # ⽫ 皿
    0x2F6C: 0x76EE,  # ⽬ 目
    0x2F6D: 0x77DB,  # ⽭ 矛
    0x2F6E: 0x77E2,  # ⽮ 矢
    0x2F6F: 0x77F3,  # ⽯ 石
    0x2F70: 0x793A,  # ⽰ 示
    0x2F71: 0x79B8,  # ⽱ 禸
    0x2F72: 0x79BE,  # ⽲ 禾
    0x2F73: 0x7A74,  # ⽳ 穴
    0x2F74: 0x7ACB,  # ⽴ 立
    0x2F75: 0x7AF9,  # ⽵ 竹
    0x2F76: 0x7C73,  # ⽶ 米
    0x2F77: 0x7CF8,  # ⽷ 糸
    0x2F78: 0x7F36,  # ⽸ 缶
    0x2F79: 0x7F51,  # ⽹ 网
    0x2F7A: 0x7F8A,  # ⽺ 羊
    0x2F7B: 0x7FBD,  # ⽻ 羽
    0x2F7C: 0x8001,  # ⽼ 老
    0x2F7D: 0x800C,  # ⽽ 而
    0x2F7E: 0x8012,  # ⽾ 耒
    0x2F7F: 0x8033,  # ⽿ 耳
    0x2F80: 0x807F,  # ⾀ 聿
    0x2F81: 0x8089,  # ⾁ 肉
    0x2F82: 0x81E3,  # ⾂ 臣
    0x2F83: 0x81EA,  # ⾃ 自
    0x2F84: 0x81F3,  # ⾄ 至
    0x2F85: 0x81FC,  # ⾅ 臼
    0x2F86: 0x820C,  # ⾆ 舌
    0x2F87: 0x821B,  # ⾇ 舛
    0x2F88: 0x821F,  # ⾈ 舟
    0x2F89: 0x826E,  # ⾉ 艮
    0x2F8A: 0x8272,  # ⾊ 色
    0x2F8B: 0x8278,  # ⾋ 艸
    0x2F8C: 0x864D,  # ⾌ 虍
    0x2F8D: 0x866B,  # ⾍ 虫
    0x2F8E: 0x8840,  # ⾎ 血
    0x2F8F: 0x884C,  # ⾏ 行
    0x2F90: 0x8863,  # ⾐ 衣
    0x2F91: 0x897E,  # ⾑ 襾
    0x2F92: 0x898B,  # ⾒ 見
    0x2F94: 0x8A00,  # ⾔ 言
    0x2F95: 0x8C37,  # ⾕ 谷
    0x2F96: 0x8C46,  # ⾖ 豆
    0x2F97: 0x8C55,  # ⾗ 豕
    0x2F98: 0x8C78,  # ⾘ 豸
    0x2F99: 0x8C9D,  # ⾙ 貝
    0x2F9A: 0x8D64,  # ⾚ 赤
    0x2F9B: 0x8D70,  # ⾛ 走
    0x2F9C: 0x8DB3,  # ⾜ 足
    0x2F9D: 0x8EAB,  # ⾝ 身
    0x2F9E: 0x8ECA,  # ⾞ 車
    0x2F9F: 0x8F9B,  # ⾟ 辛
    0x2FA0: 0x8FB0,  # ⾠ 辰
    0x2FA1: 0x8FB5,  # ⾡ 辵
    0x2FA2: 0x9091,  # ⾢ 邑
    0x2FA3: 0x9149,  # ⾣ 酉
    0x2FA4: 0x91C6,  # ⾤ 釆
    0x2FA5: 0x91CC,  # ⾥ 里
    0x2FA6: 0x91D1,  # ⾦ 金
    0x2FA7: 0x9577,  # ⾧ 長
    0x2FA8: 0x9580,  # ⾨ 門
    0x2FA9: 0x961C,  # ⾩ 阜
    0x2FAA: 0x96B6,  # ⾪ 隶
    0x2FAB: 0x96B9,  # ⾫ 隹
    0x2FAC: 0x96E8,  # ⾬ 雨
    0x2FAD: 0x9751,  # ⾭ 靑
    0x2FAE: 0x975E,  # ⾮ 非
    0x2FAF: 0x9762,  # ⾯ 面
    0x2FB0: 0x9769,  # ⾰ 革
    0x2FB1: 0x97CB,  # ⾱ 韋
    0x2FB2: 0x97ED,  # ⾲ 韭
    0x2FB3: 0x97F3,  # ⾳ 音
    0x2FB4: 0x9801,  # ⾴ 頁
    0x2FB5: 0x98A8,  # ⾵ 風
    0x2FB6: 0x98DB,  # ⾶ 飛
    0x2FB7: 0x98DF,  # ⾷ 食
    0x2FB8: 0x9996,  # ⾸ 首
    0x2FB9: 0x9999,  # ⾹ 香
    0x2FBA: 0x99AC,  # ⾺ 馬
    0x2FBC: 0x9AD8,  # ⾼ 高
    0x2FBD: 0x9ADF,  # ⾽ 髟
    0x2FBE: 0x9B25,  # ⾾ 鬥
    0x2FBF: 0x9B2F,  # ⾿ 鬯
    0x2FC0: 0x9B32,  # ⿀ 鬲
    0x2FC1: 0x9B3C,  # ⿁ 鬼
    0x2FC2: 0x9B5A,  # ⿂ 魚
    0x2FC3: 0x9CE5,  # ⿃ 鳥
    0x2FC4: 0x9E75,  # ⿄ 鹵
    0x2FC5: 0x9E7F,  # ⿅ 鹿
    0x2FC6: 0x9EA5,  # ⿆ 麥
    0x2FC7: 0x9EBB,  # ⿇ 麻
    0x2FC8: 0x9EC3,  # ⿈ 黃
    0x2FC9: 0x9ECD,  # ⿉ 黍
    0x2FCA: 0x9ED1,  # ⿊ 黑
    0x2FCB: 0x9EF9,  # ⿋ 黹
    0x2FCC: 0x9EFD,  # ⿌ 黽
    0x2FCD: 0x9F0E,  # ⿍ 鼎
    0x2FCE: 0x9F13,  # ⿎ 鼓
    0x2FCF: 0x9F20,  # ⿏ 鼠
    0x2FD0: 0x9F3B,  # ⿐ 鼻
    0x2FD1: 0x9F4A,  # ⿑ 齊
    0x2FD2: 0x9F52,  # ⿒ 齒
    0x2FD3: 0x9F8D,  # ⿓ 龍
    0x2FD5: 0x9FA0,  # ⿕ 龠
}

_HEX = re.compile(rb"<([0-9A-Fa-f]{4,8})>")
_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)


def _fix_destination(match):
    units = bytes.fromhex(match.group(1).decode())
    try:
        text = units.decode("utf-16-be")
    except UnicodeDecodeError:
        return match.group(0)
    fixed = "".join(chr(RADICAL_IDEOGRAPHS.get(ord(c), ord(c))) for c in text)
    if fixed == text:
        return match.group(0)
    return b"<" + fixed.encode("utf-16-be").hex().upper().encode() + b">"


def _fix_line(line, kind):
    """A ``bfchar`` line ``<src> <dst>`` or a ``bfrange`` line ``<lo> <hi>
    <dst>`` or ``<lo> <hi> [<dst> ...]``: only the destinations change."""
    sources = 1 if kind == b"bfchar" else 2
    tokens = list(_HEX.finditer(line))
    if len(tokens) <= sources:
        return line
    start = tokens[sources].start()
    return line[:start] + _HEX.sub(_fix_destination, line[start:])


def fix_cmap(data):
    """A ``ToUnicode`` CMap (bytes) with the radicals made ideographs."""

    def section(match):
        kind, body = match.group(1), match.group(2)
        lines = body.split(b"\n")
        fixed = b"\n".join(_fix_line(line, kind) for line in lines)
        return b"begin" + kind + fixed + b"end" + kind

    return _SECTION.sub(section, data)


PAGE_NUMBER_FONT = "/MicroloanPageNumber"


def _stream(writer, data):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _stamp_page_numbers(writer):
    """Add "- page / pages -" at the bottom of every page of ``writer``: a
    content stream appended to each page (its own drawing state saved and
    restored around the page's), in Helvetica; the page's own content is not
    parsed, which keeps this fast on long documents."""
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    save = _stream(writer, b"q\n")
    total = len(writer.pages)
    for index, page in enumerate(writer.pages):
        text = f"- {index + 1} / {total} -"
        width = float(abs(page.mediabox.width))
        x = width / 2 - stringWidth(text, "Helvetica", 8) / 2
        draw = f"BT {PAGE_NUMBER_FONT} 8 Tf 1 0 0 1 {x:.2f} 18 Tm ({text}) Tj ET"
        stamp = _stream(writer, f"Q\nq {draw} Q\n".encode())
        contents = page.get("/Contents")
        streams = ArrayObject([save])
        if contents is not None:
            target = contents.get_object()
            if isinstance(target, ArrayObject):
                streams.extend(target)
            else:
                streams.append(contents)
        streams.append(stamp)
        page[NameObject("/Contents")] = streams
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = DictionaryObject()
            resources[NameObject("/Font")] = fonts
        fonts.get_object()[NameObject(PAGE_NUMBER_FONT)] = font_ref


def postprocess_document(pdf, page_numbers=False):
    """``pdf`` (bytes) with a text layer of real characters and, with
    ``page_numbers``, "- page / pages -" at the bottom of every page."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False, overwriteWarnings=False)
    writer = PdfFileWriter()
    for page in reader.pages:
        writer.add_page(page)
    if page_numbers:
        _stamp_page_numbers(writer)
    fixed = {}
    for page in writer.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        for ref in (fonts.get_object() if fonts else {}).values():
            font = ref.get_object()
            to_unicode = font.get("/ToUnicode")
            if to_unicode is None:
                continue
            key = getattr(to_unicode, "idnum", id(to_unicode))
            if key not in fixed:
                data = to_unicode.get_object().get_data()
                new_data = fix_cmap(data)
                if new_data == data:
                    fixed[key] = None
                else:
                    stream = DecodedStreamObject()
                    stream.set_data(new_data)
                    fixed[key] = writer._add_object(stream)
            if fixed[key] is not None:
                font[NameObject("/ToUnicode")] = fixed[key]
    result = io.BytesIO()
    writer.write(result)
    return result.getvalue()
