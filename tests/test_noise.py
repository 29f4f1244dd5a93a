from __future__ import annotations

import pytest

from kg.noise import find_noise, is_noise


@pytest.mark.parametrize(
    "spam",
    ["大发体育开户,手机赌博官网", "澳门新葡京娱乐官网", "百家乐", "在线真人娱乐平台注册", "成人视频网站", "代开发票"],
)
def test_noise_spam_phrases_found(spam):
    text = f"川渝两地持续改善{spam}区域空气质量，共同保护嘉陵江流域。"
    spans = find_noise(text)
    removed = "".join(text[s:e] for s, e in spans)
    assert spam.replace(",", "") in removed.replace(",", "")
    assert "嘉陵江" not in removed and "川渝两地" not in removed


@pytest.mark.parametrize(
    "line",
    ["版权与免责声明：", "本文地址:zlqt.example.com/News-1.html", "当前位置:首页 > 新闻资讯 > 正文", "关注我们 微信公众号 在手机端查看"],
)
def test_noise_boilerplate_lines_found(line):
    text = f"{line}\n重庆市生态环境局印发方案。\n"
    spans = find_noise(text)
    assert spans == [(0, len(line) + 1)]


@pytest.mark.parametrize("clean", ["通过川渝两地生态环境局官网、官微发布空气质量信息。", "重庆市生态环境局举行新闻发布会。"])
def test_noise_leaves_real_text_alone(clean):
    assert find_noise(clean) == []
    assert not is_noise(clean)


@pytest.mark.parametrize(
    "line",
    ["Copyright © 2021 重庆市生态环境局 All Rights Reserved", "© 2021 四川省生态环境厅 版权所有", "首页 > 新闻中心 > 工作动态", "渝ICP备05003300号"],
)
def test_noise_copyright_and_navigation_lines_found(line):
    text = f"重庆市生态环境局印发方案。\n{line}\n"
    assert find_noise(text) == [(14, 14 + len(line) + 1)]


@pytest.mark.parametrize(
    "clean",
    ["PM2.5浓度>75微克的天数>10天，重庆市生态环境局通报。", "a>b>c 的比较关系写在了四川省生态环境厅的长句子里面作为正文内容。", "游戏规则由两地生态环境部门共同制定。"],
)
def test_noise_comparisons_and_plain_words_are_not_noise(clean):
    assert find_noise(clean) == []


@pytest.mark.parametrize("spam", ["大发体育开户,手机赌博官网", "澳门新葡京娱乐官网", "在线真人娱乐平台注册", "成人视频网站"])
def test_noise_spam_never_becomes_an_entity(spam):
    from kg.ingest import document_from_bytes
    from kg.nlp import extract

    raw = f"重庆市生态环境局与四川省生态环境厅签订《{spam}联合执法协议》，为成渝地区{spam}持续改善空气质量。"
    x = extract(document_from_bytes(raw.encode(), path="s.txt"))
    assert x.mentions
    names = " ".join(m.name + m.surface for m in x.mentions)
    for word in ("赌博", "开户", "娱乐", "成人", "葡京", "官网"):
        assert word not in names


@pytest.mark.parametrize("module", ["kg.noise"])
def test_noise_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    "spam",
    [
        "澳门新葡京 www.xpj888.com 点击进入",
        "亚博体育app下载 www.yb668.cc",
        "皇冠体育官网 注册送38元彩金",
        "百家乐在线开户 最高返水1.5%",
        "成人视频免费观看 在线高清无码",
        "开元棋牌 https://ky88.vip/reg 立即注册",
        "Ag真人APP下载 www.ag88.com",
    ],
)
def test_noise_spam_with_address_amount_and_call_to_action_removed_whole(spam):
    text = f"会议总结了近年来涪江流域联防联治工作成效，{spam}并对下一阶段工作进行了部署，明确了联合巡河、联合监测等十二项重点任务。"
    removed = "".join(text[s:e] for s, e in find_noise(text))
    assert removed.strip() == spam
    assert "涪江" not in removed


@pytest.mark.parametrize("clean", ["详见生态环境部网站www.mee.gov.cn。", "最高人民法院发布环境资源审判典型案例。", "注册环评工程师送审了报告。"])
def test_noise_addresses_and_amounts_alone_are_not_spam(clean):
    assert find_noise(clean) == []


@pytest.mark.parametrize(
    "spam",
    ["太阳城线上娱乐官网 注册就送88元 www.tyc888.com", "皇冠体育投注网 信誉第一 立即注册", "金沙娱乐官网 真人棋牌平台 www.js99.cc"],
)
def test_noise_game_words_and_offers_after_a_spam_phrase_go_with_it(spam):
    text = f"会议通报了沱江跨界断面水质情况，{spam}并研究部署了下一阶段联防联治重点工作，明确了联合巡河、联合监测、联合执法、联合应急等十二项重点任务。"
    removed = "".join(text[s:e] for s, e in find_noise(text))
    assert removed.strip() == spam, removed
    assert "沱江" not in removed


def test_noise_headlines_listed_after_a_related_articles_heading():
    text = ("两地联合印发了《嘉陵江流域联防联治工作方案》。\n\n▼ 往期推荐\n\n涪江流域横向生态保护补偿协议签订\n\n"
            "川渝联合召开琼江流域联席会议\n\n点击“阅读原文”了解更多\n")
    kept = text
    for s, e in reversed(find_noise(text)):
        kept = kept[:s] + kept[e:]
    assert kept.strip() == "两地联合印发了《嘉陵江流域联防联治工作方案》。"


def test_noise_a_sentence_after_a_related_articles_heading_is_kept():
    text = "推荐阅读\n川渝联合召开琼江流域联席会议\n两地生态环境部门还签订了《琼江流域联合执法协议》。\n"
    removed = "".join(text[s:e] for s, e in find_noise(text))
    assert "签订" not in removed and "联席会议" in removed


@pytest.mark.parametrize(
    ("spam", "core"),
    [
        ("kaiyun开云体育app下载", "开云体育"),
        ("必威betway体育官网入口", "必威"),
        ("pg电子麻将胡了试玩", "麻将胡了"),
        ("九游会J9官网", "九游会"),
        ("加微信领取免费彩票计划", "彩票计划"),
        ("代开各地增值税发票", "代开各地"),
    ],
)
def test_noise_more_gambling_brands_and_scam_offers(spam, core):
    text = f"川渝两地联合开展嘉陵江流域水质监测工作，共同推进跨界河流治理，{spam}，全年监测断面水质优良比例达到百分之百。"
    removed = "".join(text[s:e] for s, e in find_noise(text))
    assert core in removed
    assert "嘉陵江" not in removed


@pytest.mark.parametrize("clean", ["山东半岛城市群与川渝地区开展合作。", "重庆市体育局与四川省体育局签署协议。", "两地会员单位代理人参加会议。"])
def test_noise_place_and_sport_words_alone_are_not_spam(clean):
    assert find_noise(clean) == []


@pytest.mark.parametrize(
    "menu", ["网站首页 政务公开 政务服务 互动交流", "首页｜要闻｜财经｜两岸｜国际｜生活", "首页 | 要闻 | 区县 | 专题 | 视频"]
)
def test_noise_a_site_menu_line_is_boilerplate(menu):
    text = f"{menu}\n川渝两地召开2025年水污染联防联控工作会议\n"
    assert find_noise(text) == [(0, len(menu) + 1)]


@pytest.mark.parametrize("clean", ["首页 要闻 区县\n", "川渝 两地 首页 签订 协议 成功。\n", "重庆 四川 贵州 云南 四省市联合开展巡河\n"])
def test_noise_short_spaced_words_are_no_menu(clean):
    assert find_noise(clean) == []


@pytest.mark.parametrize("heading", ["相关链接：", "相关报道", "更多阅读"])
def test_noise_more_headings_of_lists_of_links(heading):
    text = f"两地签署协议。\n{heading}\n川渝两地签署嘉陵江流域生态补偿协议\n重庆发布2024年生态环境状况公报\n"
    removed = "".join(text[s:e] for s, e in find_noise(text))
    assert "嘉陵江流域生态补偿协议" in removed and "两地签署协议。" not in removed


def test_noise_a_sentence_after_a_links_heading_on_its_line_is_kept():
    text = "相关链接：大清流河、南溪河、渠江等川渝跨界河流也已实现联合巡河常态化。\n"
    assert find_noise(text) == []


@pytest.mark.parametrize(
    "line",
    [
        "- [江津区召开2023年河长制工作会议](https://mp.weixin.qq.com/s/abc123)",
        "* [泸州市与永川区签订《濑溪河联防联治协议》]（https：//mp.weixin.qq.com/s/def456）",
        "2. [生态环境部发布新标准](http://www.example.cn/news/1.html)",
    ],
)
def test_noise_a_line_that_only_links_another_article_is_noise(line):
    text = f"琼江水质持续向好。\n{line}\n"
    removed = "".join(text[s:e] for s, e in find_noise(text))
    assert line in removed and "琼江" not in removed


def test_noise_a_link_inside_a_sentence_is_kept():
    text = "两地联合印发了[《琼江流域巡河方案》](https://example.cn/a)，明确了任务。\n"
    assert not find_noise(text)
