#!/usr/bin/env python3
"""Generate ``kg/data/regions.tsv`` from the GB/T 2260 table shipped with the PyPI package ``cpca``.

cpca 0.5.5 (MIT licence) ships ``cpca/resources/adcodes.csv`` (12-digit statistical codes whose first
six digits are the GB/T 2260 administrative-division code) and ``56_nations.csv`` (the 56 officially
recognised ethnic groups, used here to shorten the names of ethnic autonomous divisions).  cpca is
*not* a runtime dependency of the project: this script reads the wheel as a zip archive, or the
resources of an installed ``cpca`` when no wheel is given.

The cpca snapshot predates several adjustments of county-level divisions (approved by the State
Council and published by the Ministry of Civil Affairs, 民政部); ``PATCHES`` below applies the ones
we know of for Sichuan and Chongqing (complete as far as we know) and the neighbouring provinces
(best effort, see SOURCES.md).

Usage::

    python scripts/make_regions.py [--wheel /tmp/cpca/cpca-0.5.5-py3-none-any.whl] [--out kg/data/regions.tsv]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WHEEL = Path("/tmp/cpca/cpca-0.5.5-py3-none-any.whl")
DEFAULT_OUT = ROOT / "kg" / "data" / "regions.tsv"

# 四川 重庆 and the neighbouring provinces
PROVINCES = ("50", "51", "52", "53", "54", "61", "62", "63", "42", "43")
CORE = ("50", "51")  # Sichuan and Chongqing win ties between identical short forms

# Statistical placeholders that are not administrative divisions.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "自治区直辖县级行政单位"}

# Changes after the cpca snapshot: (old code or "", new code, new name).  Old rows are removed.
PATCHES: list[tuple[str, str, str]] = [
    # 重庆市
    ("500228", "500155", "梁平区"),  # 2016
    ("500232", "500156", "武隆区"),  # 2016
    # 四川省
    ("510124", "510117", "郫都区"),  # 2016
    ("510132", "510118", "新津区"),  # 2020
    ("510626", "510604", "罗江区"),  # 2017
    ("510922", "510981", "射洪市"),  # 2019
    ("511028", "511083", "隆昌市"),  # 2017
    ("511521", "511504", "叙州区"),  # 2018
    ("513425", "513402", "会理市"),  # 2021
    # 贵州省
    ("520222", "520281", "盘州市"),  # 2017
    ("520221", "520204", "水城区"),  # 2020
    ("520522", "520581", "黔西市"),  # 2021
    ("522322", "522302", "兴仁市"),  # 2018
    # 云南省
    ("530122", "530115", "晋宁区"),  # 2016
    ("530321", "530304", "马龙区"),  # 2018
    ("530422", "530481", "澄江市"),  # 2019
    ("530630", "530681", "水富市"),  # 2018
    ("532331", "532302", "禄丰市"),  # 2021
    # 西藏自治区: 那曲地区 → 那曲市 (2017), 达孜县 → 达孜区 (2017)
    ("540126", "540104", "达孜区"),
    ("542400", "540600", "那曲市"),
    ("542421", "540602", "色尼区"),
    ("542422", "540621", "嘉黎县"),
    ("542423", "540622", "比如县"),
    ("542424", "540623", "聂荣县"),
    ("542425", "540624", "安多县"),
    ("542426", "540625", "申扎县"),
    ("542427", "540626", "索县"),
    ("542428", "540627", "班戈县"),
    ("542429", "540628", "巴青县"),
    ("542430", "540629", "尼玛县"),
    ("542431", "540630", "双湖县"),
    # 陕西省
    ("610125", "610118", "鄠邑区"),  # 2016
    ("610322", "610305", "凤翔区"),  # 2021
    ("610427", "610482", "彬州市"),  # 2018
    ("610623", "610681", "子长市"),  # 2019
    ("610721", "610703", "南郑区"),  # 2017
    ("610821", "610881", "神木市"),  # 2017
    ("610928", "610981", "旬阳市"),  # 2021
    # 甘肃省
    ("620824", "620881", "华亭市"),  # 2018
    # 湖北省
    ("420821", "420882", "京山市"),  # 2018
    ("421023", "421088", "监利市"),  # 2020
    # 湖南省
    ("430124", "430182", "宁乡市"),  # 2017
    ("430221", "430212", "渌口区"),  # 2018
    ("430521", "430582", "邵东市"),  # 2019
    ("431121", "431181", "祁阳市"),  # 2021
    # 青海省
    ("630122", "630106", "湟中区"),  # 2019
    ("632321", "632301", "同仁市"),  # 2020
    ("", "632803", "茫崖市"),  # 2018
]

# Stripped forms that are ordinary words, generic place words, or names of a better-known
# entity (a river, a province, a company) — never used as the short form of the division.
STOP_SHORTS = {
    # Sichuan / Chongqing
    "市中",
    "锦江",
    "嘉陵",
    "南部",
    "安居",
    "前锋",
    "朝天",
    "江北",
    "南岸",
    "长寿",
    "綦江",
    # generic urban-district names
    "城关",
    "城中",
    "城东",
    "城西",
    "城北",
    "新城",
    "东区",
    "西区",
    # common words / other referents
    "白云",
    "西山",
    "富民",
    "安宁",
    "威信",
    "古城",
    "河口",
    "麒麟",
    "江城",
    "长安",
    "武功",
    "宝塔",
    "延长",
    "清水",
    "高台",
    "安定",
    "合作",
    "平安",
    "互助",
    "共和",
    "同仁",
    "河南",
    "江汉",
    "江岸",
    "青山",
    "公安",
    "芙蓉",
    "荷塘",
    "石鼓",
    "北塔",
    "洞口",
    "武陵",
    "石门",
    "北湖",
    "中方",
    "会同",
    "通道",
    "凤凰",
    "大方",
    "江口",
    "沿河",
    "康乐",
    "平川",
    "白河",
    "怒江",
    "沅江",
    "海南",
}

ENGLISH = {
    # provinces
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Xizang",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "420000": "Hubei",
    "430000": "Hunan",
    # Sichuan prefectures
    "510100": "Chengdu",
    "510300": "Zigong",
    "510400": "Panzhihua",
    "510500": "Luzhou",
    "510600": "Deyang",
    "510700": "Mianyang",
    "510800": "Guangyuan",
    "510900": "Suining",
    "511000": "Neijiang",
    "511100": "Leshan",
    "511300": "Nanchong",
    "511400": "Meishan",
    "511500": "Yibin",
    "511600": "Guang'an",
    "511700": "Dazhou",
    "511800": "Ya'an",
    "511900": "Bazhong",
    "512000": "Ziyang",
    "513200": "Aba",
    "513300": "Ganzi",
    "513400": "Liangshan",
    # Guizhou
    "520100": "Guiyang",
    "520200": "Liupanshui",
    "520300": "Zunyi",
    "520400": "Anshun",
    "520500": "Bijie",
    "520600": "Tongren",
    "522300": "Qianxinan",
    "522600": "Qiandongnan",
    "522700": "Qiannan",
    # Yunnan
    "530100": "Kunming",
    "530300": "Qujing",
    "530400": "Yuxi",
    "530500": "Baoshan",
    "530600": "Zhaotong",
    "530700": "Lijiang",
    "530800": "Pu'er",
    "530900": "Lincang",
    "532300": "Chuxiong",
    "532500": "Honghe",
    "532600": "Wenshan",
    "532800": "Xishuangbanna",
    "532900": "Dali",
    "533100": "Dehong",
    "533300": "Nujiang",
    "533400": "Diqing",
    # Xizang
    "540100": "Lhasa",
    "540200": "Xigaze",
    "540300": "Qamdo",
    "540400": "Nyingchi",
    "540500": "Shannan",
    "540600": "Nagqu",
    "542500": "Ngari",
    # Shaanxi
    "610100": "Xi'an",
    "610200": "Tongchuan",
    "610300": "Baoji",
    "610400": "Xianyang",
    "610500": "Weinan",
    "610600": "Yan'an",
    "610700": "Hanzhong",
    "610800": "Yulin",
    "610900": "Ankang",
    "611000": "Shangluo",
    # Gansu
    "620100": "Lanzhou",
    "620200": "Jiayuguan",
    "620300": "Jinchang",
    "620400": "Baiyin",
    "620500": "Tianshui",
    "620600": "Wuwei",
    "620700": "Zhangye",
    "620800": "Pingliang",
    "620900": "Jiuquan",
    "621000": "Qingyang",
    "621100": "Dingxi",
    "621200": "Longnan",
    "622900": "Linxia",
    "623000": "Gannan",
    # Qinghai
    "630100": "Xining",
    "630200": "Haidong",
    "632200": "Haibei",
    "632300": "Huangnan",
    "632500": "Hainan",
    "632600": "Golog",
    "632700": "Yushu",
    "632800": "Haixi",
    # Hubei
    "420100": "Wuhan",
    "420200": "Huangshi",
    "420300": "Shiyan",
    "420500": "Yichang",
    "420600": "Xiangyang",
    "420700": "Ezhou",
    "420800": "Jingmen",
    "420900": "Xiaogan",
    "421000": "Jingzhou",
    "421100": "Huanggang",
    "421200": "Xianning",
    "421300": "Suizhou",
    "422800": "Enshi",
    "429004": "Xiantao",
    "429005": "Qianjiang",
    "429006": "Tianmen",
    "429021": "Shennongjia",
    # Hunan
    "430100": "Changsha",
    "430200": "Zhuzhou",
    "430300": "Xiangtan",
    "430400": "Hengyang",
    "430500": "Shaoyang",
    "430600": "Yueyang",
    "430700": "Changde",
    "430800": "Zhangjiajie",
    "430900": "Yiyang",
    "431000": "Chenzhou",
    "431100": "Yongzhou",
    "431200": "Huaihua",
    "431300": "Loudi",
    "433100": "Xiangxi",
    # Chongqing districts and counties
    "500101": "Wanzhou",
    "500102": "Fuling",
    "500103": "Yuzhong",
    "500104": "Dadukou",
    "500105": "Jiangbei",
    "500106": "Shapingba",
    "500107": "Jiulongpo",
    "500108": "Nan'an",
    "500109": "Beibei",
    "500110": "Qijiang",
    "500111": "Dazu",
    "500112": "Yubei",
    "500113": "Banan",
    "500114": "Qianjiang",
    "500115": "Changshou",
    "500116": "Jiangjin",
    "500117": "Hechuan",
    "500118": "Yongchuan",
    "500119": "Nanchuan",
    "500120": "Bishan",
    "500151": "Tongliang",
    "500152": "Tongnan",
    "500153": "Rongchang",
    "500154": "Kaizhou",
    "500155": "Liangping",
    "500156": "Wulong",
    "500229": "Chengkou",
    "500230": "Fengdu",
    "500231": "Dianjiang",
    "500233": "Zhongxian",
    "500235": "Yunyang",
    "500236": "Fengjie",
    "500237": "Wushan",
    "500238": "Wuxi",
    "500240": "Shizhu",
    "500241": "Xiushan",
    "500242": "Youyang",
    "500243": "Pengshui",
    # Sichuan districts, county-level cities and counties
    "510104": "Jinjiang",
    "510105": "Qingyang",
    "510106": "Jinniu",
    "510107": "Wuhou",
    "510108": "Chenghua",
    "510112": "Longquanyi",
    "510113": "Qingbaijiang",
    "510114": "Xindu",
    "510115": "Wenjiang",
    "510116": "Shuangliu",
    "510117": "Pidu",
    "510118": "Xinjin",
    "510121": "Jintang",
    "510129": "Dayi",
    "510131": "Pujiang",
    "510181": "Dujiangyan",
    "510182": "Pengzhou",
    "510183": "Qionglai",
    "510184": "Chongzhou",
    "510185": "Jianyang",
    "510302": "Ziliujing",
    "510303": "Gongjing",
    "510304": "Da'an",
    "510311": "Yantan",
    "510321": "Rongxian",
    "510322": "Fushun",
    "510402": "Dongqu",
    "510403": "Xiqu",
    "510411": "Renhe",
    "510421": "Miyi",
    "510422": "Yanbian",
    "510502": "Jiangyang",
    "510503": "Naxi",
    "510504": "Longmatan",
    "510521": "Luxian",
    "510522": "Hejiang",
    "510524": "Xuyong",
    "510525": "Gulin",
    "510603": "Jingyang",
    "510604": "Luojiang",
    "510623": "Zhongjiang",
    "510681": "Guanghan",
    "510682": "Shifang",
    "510683": "Mianzhu",
    "510703": "Fucheng",
    "510704": "Youxian",
    "510705": "Anzhou",
    "510722": "Santai",
    "510723": "Yanting",
    "510725": "Zitong",
    "510726": "Beichuan",
    "510727": "Pingwu",
    "510781": "Jiangyou",
    "510802": "Lizhou",
    "510811": "Zhaohua",
    "510812": "Chaotian",
    "510821": "Wangcang",
    "510822": "Qingchuan",
    "510823": "Jiange",
    "510824": "Cangxi",
    "510903": "Chuanshan",
    "510904": "Anju",
    "510921": "Pengxi",
    "510923": "Daying",
    "510981": "Shehong",
    "511002": "Shizhong",
    "511011": "Dongxing",
    "511024": "Weiyuan",
    "511025": "Zizhong",
    "511083": "Longchang",
    "511102": "Shizhong",
    "511111": "Shawan",
    "511112": "Wutongqiao",
    "511113": "Jinkouhe",
    "511123": "Qianwei",
    "511124": "Jingyan",
    "511126": "Jiajiang",
    "511129": "Muchuan",
    "511132": "Ebian",
    "511133": "Mabian",
    "511181": "Emeishan",
    "511302": "Shunqing",
    "511303": "Gaoping",
    "511304": "Jialing",
    "511321": "Nanbu",
    "511322": "Yingshan",
    "511323": "Peng'an",
    "511324": "Yilong",
    "511325": "Xichong",
    "511381": "Langzhong",
    "511402": "Dongpo",
    "511403": "Pengshan",
    "511421": "Renshou",
    "511423": "Hongya",
    "511424": "Danling",
    "511425": "Qingshen",
    "511502": "Cuiping",
    "511503": "Nanxi",
    "511504": "Xuzhou",
    "511523": "Jiang'an",
    "511524": "Changning",
    "511525": "Gaoxian",
    "511526": "Gongxian",
    "511527": "Junlian",
    "511528": "Xingwen",
    "511529": "Pingshan",
    "511602": "Guang'an",
    "511603": "Qianfeng",
    "511621": "Yuechi",
    "511622": "Wusheng",
    "511623": "Linshui",
    "511681": "Huaying",
    "511702": "Tongchuan",
    "511703": "Dachuan",
    "511722": "Xuanhan",
    "511723": "Kaijiang",
    "511724": "Dazhu",
    "511725": "Quxian",
    "511781": "Wanyuan",
    "511802": "Yucheng",
    "511803": "Mingshan",
    "511822": "Yingjing",
    "511823": "Hanyuan",
    "511824": "Shimian",
    "511825": "Tianquan",
    "511826": "Lushan",
    "511827": "Baoxing",
    "511902": "Bazhou",
    "511903": "Enyang",
    "511921": "Tongjiang",
    "511922": "Nanjiang",
    "511923": "Pingchang",
    "512002": "Yanjiang",
    "512021": "Anyue",
    "512022": "Lezhi",
    "513201": "Ma'erkang",
    "513221": "Wenchuan",
    "513222": "Lixian",
    "513223": "Maoxian",
    "513224": "Songpan",
    "513225": "Jiuzhaigou",
    "513226": "Jinchuan",
    "513227": "Xiaojin",
    "513228": "Heishui",
    "513230": "Rangtang",
    "513231": "Aba",
    "513232": "Ruo'ergai",
    "513233": "Hongyuan",
    "513301": "Kangding",
    "513322": "Luding",
    "513323": "Danba",
    "513324": "Jiulong",
    "513325": "Yajiang",
    "513326": "Daofu",
    "513327": "Luhuo",
    "513328": "Ganzi",
    "513329": "Xinlong",
    "513330": "Dege",
    "513331": "Baiyu",
    "513332": "Shiqu",
    "513333": "Seda",
    "513334": "Litang",
    "513335": "Batang",
    "513336": "Xiangcheng",
    "513337": "Daocheng",
    "513338": "Derong",
    "513401": "Xichang",
    "513402": "Huili",
    "513422": "Muli",
    "513423": "Yanyuan",
    "513424": "Dechang",
    "513426": "Huidong",
    "513427": "Ningnan",
    "513428": "Puge",
    "513429": "Butuo",
    "513430": "Jinyang",
    "513431": "Zhaojue",
    "513432": "Xide",
    "513433": "Mianning",
    "513434": "Yuexi",
    "513435": "Ganluo",
    "513436": "Meigu",
    "513437": "Leibo",
}

PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


def read_resources(wheel: Path | None) -> tuple[str, str]:
    """Return the text of adcodes.csv and 56_nations.csv."""
    if wheel is not None and wheel.is_file():
        with zipfile.ZipFile(wheel) as zf:
            return (
                zf.read("cpca/resources/adcodes.csv").decode("utf-8"),
                zf.read("cpca/resources/56_nations.csv").decode("utf-8"),
            )
    try:
        from importlib import resources

        pkg = resources.files("cpca").joinpath("resources")
        return (
            pkg.joinpath("adcodes.csv").read_text(encoding="utf-8"),
            pkg.joinpath("56_nations.csv").read_text(encoding="utf-8"),
        )
    except ModuleNotFoundError:
        sys.exit(f"cpca wheel not found at {wheel} and cpca is not installed; pass --wheel")


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def strip_ethnic(base: str, nations: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        for n in nations:
            if base.endswith(n) and len(base) > len(n):
                base = base[: -len(n)]
                changed = True
                break
    if base in nations:  # 东乡族自治县: the place is named after the people
        base = base[:-1]
    return base


def candidate_shorts(name: str, level: str, nations: list[str]) -> list[str]:
    """Short forms by suffix stripping, most specific first (before filtering)."""
    if level == "province":
        for suf in PROVINCE_SUFFIXES:
            if name.endswith(suf):
                return [name[: -len(suf)]]
        return []
    if name.endswith("自治州"):
        base = strip_ethnic(name[:-3], nations)
        return [base + "州", base]
    if name.endswith("自治县"):
        base = strip_ethnic(name[:-3], nations)
        return [base + "县", base]
    if name == "神农架林区":
        return ["神农架"]
    for suf in ("地区", "特区", "市", "区", "县", "旗"):
        if name.endswith(suf) and (suf != "地区" or level == "prefecture"):
            return [name[: -len(suf)]]
    return []


def build(adcodes: str, nations_text: str) -> list[dict[str, str]]:
    nations = sorted({n.strip() for n in nations_text.splitlines() if n.strip()}, key=len, reverse=True)
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(adcodes)):
        code = row["adcode"][:6]
        if code[:2] in PROVINCES and row["name"] not in PLACEHOLDERS:
            names[code] = row["name"]
    for old, new, name in PATCHES:
        if old:
            if old not in names:
                sys.exit(f"patch: {old} not in source")
            del names[old]
        names[new] = name

    rows = []
    for code, name in names.items():
        level = level_of(code)
        if level == "province":
            parent = ""
        elif level == "prefecture":
            parent = code[:2] + "0000"
        else:
            parent = code[:4] + "00" if code[:4] + "00" in names else code[:2] + "0000"
        rows.append(
            {
                "code": code,
                "name": name,
                "level": level,
                "parent": parent,
                "cands": candidate_shorts(name, level, nations),
                "english": ENGLISH.get(code, ""),
            }
        )

    # Resolve clashes: a short form goes to the highest level; within a level to Sichuan/Chongqing;
    # otherwise it is ambiguous and dropped.
    rank = {"province": 0, "prefecture": 1, "county": 2}
    owners: dict[str, list[dict]] = {}
    for r in rows:
        for s in r["cands"]:
            owners.setdefault(s, []).append(r)
    full_names = set(names.values())
    for r in rows:
        keep = []
        for s in r["cands"]:
            if len(s) < 2 or s in STOP_SHORTS or s in full_names:
                continue
            rivals = owners[s]
            best = min(rank[o["level"]] for o in rivals)
            top = [o for o in rivals if rank[o["level"]] == best]
            core = [o for o in top if o["code"][:2] in CORE]
            winners = core or top
            if len(winners) == 1 and winners[0] is r:
                keep.append(s)
        r["short"] = "|".join(keep)
    rows.sort(key=lambda r: r["code"])
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, default=DEFAULT_WHEEL)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    rows = build(*read_resources(args.wheel))
    cols = ("code", "name", "level", "parent", "short", "english")
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(r[c] for c in cols) + "\n")
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
