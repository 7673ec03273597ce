"""Chinese names for people and companies, composed from fixed word lists.

The lists are part of the generator so that the committed bank regenerates byte for byte
whatever third-party data sets do between releases.
"""

from __future__ import annotations

import random
from typing import Final

SURNAMES: Final = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS: Final = tuple(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰晓东海波宁鹏飞斌辉婷雪梅琳"
    "俊峰文博宇浩然子涵思远欣怡佳颖嘉欣立新振华德胜永康春燕秋菊冬梅凯瑞晨曦一鸣"
)
BRAND_CHARS: Final = tuple("恒瑞华信达泰鑫宏远盛通源凯博安隆嘉誉德创联科海天金中新明永丰润晟昊宸睿益祥福兴汇")
INDUSTRY_WORDS: Final = {
    "装备制造": ("精密机械", "重工", "智能装备", "机床", "动力设备"),
    "电子信息": ("电子", "微电子", "光电", "半导体", "智能科技"),
    "汽车零部件": ("汽车部件", "汽配", "车桥", "汽车电子", "传动"),
    "纺织服装": ("纺织", "服饰", "织造", "家纺", "印染"),
    "化工新材料": ("化工", "新材料", "高分子", "涂料", "精细化工"),
    "生物医药": ("生物", "制药", "医药", "医疗器械", "生命科学"),
    "食品饮料": ("食品", "饮料", "乳业", "粮油", "酒业"),
    "商贸流通": ("商贸", "贸易", "供应链管理", "商业连锁", "进出口"),
    "建筑工程": ("建设工程", "建工", "路桥", "装饰工程", "市政工程"),
    "物流运输": ("物流", "运输", "仓储", "航运", "快运"),
    "现代农业": ("农业发展", "种业", "农牧", "果蔬", "农产品"),
    "软件与信息服务": ("软件", "信息技术", "数据科技", "网络科技", "云计算"),
    "新能源": ("新能源", "光伏", "储能", "风电", "锂电"),
}


def person_name(rng: random.Random) -> str:
    """Return a Chinese personal name: a surname and one or two given characters."""
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(SURNAMES) + given


def company_name(rng: random.Random, city: str, industry: str, group: bool) -> str:
    """Return a registered company name such as 苏州恒瑞精密机械有限公司."""
    brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
    word = rng.choice(INDUSTRY_WORDS[industry])
    suffix = "集团有限公司" if group else rng.choice(("有限公司", "有限公司", "股份有限公司"))
    return f"{city}{brand}{word}{suffix}"
