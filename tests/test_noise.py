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
