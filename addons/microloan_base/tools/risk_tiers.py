"""The five-category classification (五级分类) as a selection.

The tiers are the engine's, in its order (``microloan_engine.classification.
TIERS``); only the labels are the module's, for translation. The loan's risk
and the product's write-off conditions both select a tier, so the list lives
here rather than in either model's file.
"""

from microloan_engine.classification import TIERS

TIER_LABELS = {
    "normal": "Normal (正常)",
    "special_mention": "Special Mention (关注)",
    "substandard": "Substandard (次级)",
    "doubtful": "Doubtful (可疑)",
    "loss": "Loss (损失)",
}
RISK_TIERS = [(tier, TIER_LABELS[tier]) for tier in TIERS]
