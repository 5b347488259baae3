"""The words that read like outside money or paid work: the second line of the principles.

Structure comes first (only members pay in; a cost category is never labour; a supplier is
never a member). These patterns only challenge what people write, so they look at phrases,
never at single words that are also names: "Grant Street", "Restaurant Staff Supply Co" and
jars bought at a charity shop are ordinary; a grant received, paid staff and money from a
charity are not. ``fourfold/ledger/tests/test_principle_corpus.py`` holds them to a corpus.
"""

from __future__ import annotations

import re

# The words a place or a business is named with after "Grant", "Charity", "Benefit"…: then
# the word is a name, not money.
_PLACE = (
    r"(?:street|st|road|rd|avenue|ave|lane|ln|way|place|pl|park|hall|house|square|sq|court|"
    r"drive|dr|close|terrace|market|building|centre|center|kitchen|shop|shops|store|"
    r"warehouse|farm|dairy|hardware|&|and\s+sons|ltd|co)\b"
)
# People who are paid for their work, as they are named after "paid the…", "tip for the…".
_WORKER = (
    r"(?:mechanic|driver|plumber|electrician|cleaner|cleaners|courier|handyman|babysitter|"
    r"nanny|helper|helpers|builder|builders|decorator|painter|gardener|carpenter|joiner|"
    r"roofer|locksmith|technician|engineer|fitter|installer|labourer|labourers|worker|"
    r"workers|staff|porter|waiter|waitress|cook|chef|caterer|caterers|accountant|"
    r"bookkeeper|lawyer|solicitor|designer|photographer|consultant|tutor|teacher|coach|"
    r"dj|musician|coordinator|manager|treasurer|secretary|trainer|instructor)s?\b"
    # "Restaurant Staff Supply Co" is a shop, not its staff.
    r"(?!\s+(?:supply|supplies|shop|store|co\b|company|ltd|warehouse|wholesale|spray|fluid))"
)
# Who a worker is, said before the word: "the delivery driver", "our window cleaner".
_WORKER_KIND = r"(?:delivery|van|taxi|cab|local|window|house|office|dog|school|part-time|casual)"
# The work people are paid for, as it is named after "paid Joe for…", "payment to ana for…".
_WORK = (
    r"(?:making|cleaning|helping|driving|cooking|baking|fixing|repairing|mending|painting|"
    r"building|installing|fitting|babysitting|looking\s+after|minding|washing\s+up|sorting|"
    r"running|covering|doing|working|teaching|organi[sz]ing|bookkeeping|gardening|mowing|"
    r"decorating|sewing|ironing|serving|chopping|milking|stirring|unloading|labelling|"
    r"work|labou?r|help|(?:his|her|their|your)\s+(?:time|work|help|labou?r|trouble|efforts?)|"
    r"(?:a|the|one|two|three|\d+)\s+shifts?)\b"
    # What is bought for the work is no pay for it: "paid Lidl for cleaning supplies".
    r"(?!\s+(?:materials?|supplies|products?|equipment|tools?|kit|sand|paint|brushes|gear|"
    r"parts|spray|stuff|things))"
)
_NUMBER = r"(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|half\s+an?)"

# Money from outside the membership, however it is written down.
OUTSIDE_MONEY = [
    rf"\bdonat(?:e|ed|es|ing|ions?|ors?)\b(?!\s*{_PLACE})",
    r"\bdonors?\b",
    # "grant" only as money received: "a council grant", "grant money", "grant from …".
    r"\b(?:a|the|our|council|lottery|community|small|government|city|state|federal|arts|"
    r"foundation|charity|seed|start-?up|local|municipal|eu|public|research|heritage)\s+"
    rf"grants?\b(?!\s*{_PLACE})(?!')",
    r"\bgrants?[\s-]+(?:money|funding|funded|funds?|from|award(?:ed)?|payment|income|cheque|"
    r"check|paid|received|application|scheme|programme|program)\b",
    r"^\s*grants?\s*$",
    r"\bsponsor(?:s|ed|ship|ships|ing)?\b",
    r"\bfund[\s-]?rais\w*",
    r"\bcrowd[\s-]?fund\w*",
    r"\bgo\s?fund\s?me\b",
    r"\b(?:kickstarter|indiegogo|patreon|justgiving|just\s+giving|ko-fi|gofund)\b",
    r"\bbake\s+sales?\b",
    r"\bjumble\s+sales?\b",
    r"\bwhite\s+elephant\s+sales?\b",
    r"\b(?:raffles?|tombolas?|sweepstakes?|prize\s+draws?)\b",
    r"\blottery\s+(?:money|funding|funds?|grant|award|win(?:nings)?)\b",
    r"\bquiz\s+nights?\b",
    r"\bfun\s+runs?\b",
    r"\btip\s*jars?\b",
    r"\btips\s+(?:from|collected|received|left)\b",
    r"\btip\s+money\b",
    r"\b(?:collected|received|customer|customers'?|visitor|visitors'?|cash|card)\s+tips\b",
    r"^\s*tips?\s*$",
    r"\b(?:church|bucket|street|plate|door-to-door|door\s+to\s+door)\s+collections?\b",
    r"\bcollection\s+(?:plate|bucket|tin|box|jar)\b",
    r"\bcollection\s+(?:at|from)\s+(?:the\s+)?(?:church|street\s+party|party|fair|fete|open\s+day|"
    r"event|pub|concert|gig|school|neighbours|congregation|service)\b",
    r"\bbenefit\s+(?:night|gig|concert|dinner|show|event|party|evening|auction|sale)\b",
    r"(?<!\bmy\s)\bproceeds\b",
    r"\btakings\b",
    r"\b(?:money|funds|cash|we)\s+raised\b",
    r"\braised\s+(?:at|from|through)\s+(?:the|a|our)\b",
    # "charity" only as money coming from one: jars bought at a charity shop are ordinary.
    r"\bcharit(?:y|ies|able)\s+(?:money|funds?|funding|grant|donation|gift|income|event|"
    r"night|gig|run|walk|auction|appeal|trust|support|contribution|cheque|check|payment|"
    r"tin|bucket|box)\b",
    rf"\b(?:from|by)\s+(?:a|the|our|local|\w+)\s+charity\b(?!\s*{_PLACE})",
    r"\bsubsid(?:y|ies|ised|ized|ise|ize)\b",
    r"\b(?:council|government|state|city)\s+(?:funding|funds|money|support|award|payment)\b",
    r"\binvest(?:or|ors|ment\s+from)\b",
    r"\bangel\s+invest\w*",
    r"\b(?:bank|business|council|government|payday)\s+loan\b",
    r"\bloan\s+from\s+(?:the\s+|a\s+)?(?:bank|council|lender|credit)",
    r"\bbequest\b",
    r"\bgift\s+aid\b",
    r"\bgift(?:ed)?\s+(?:from|by)\b",
    r"\bsold\s+(?:\w+\s+){0,3}to\s+(?:non-?members|neighbours|neighbors|customers|the\s+public|"
    r"outsiders|friends|a\s+caf[eé]|the\s+caf[eé]|a\s+shop|the\s+shop|visitors)\b",
    r"\b(?:yogurt|cheese|bread|kombucha|stall|market)\s+sales\b",
    r"\bselling\s+(?:\w+\s+){0,3}(?:at|to)\s+(?:the\s+)?(?:market|fair|customers|neighbours|"
    r"neighbors|public|fete|car\s+boot)\b",
]

# Someone else's money paid in as if it were a member's: said of a pay-in only (an expense
# may well buy eggs from the neighbours).
SOMEONE_ELSES_MONEY = [
    r"\b(?:from|by|of)\s+(?:my|our|a|the|his|her|their)\s+(?:mum|mom|mother|dad|father|"
    r"parents|gran|grandma|granny|grandad|grandpa|aunt|auntie|uncle|boss|employer|company|"
    r"business|church|school|neighbours?|neighbors?|friends?|landlord|congregation|club|"
    r"union|colleagues|workplace|customers|supporters|backers|well-?wishers)\b",
    r"\bon\s+behalf\s+of\s+(?:my|our|a|the)\b",
    r"\b(?:employer|company)\s+match\w*",
    r"\bmatched\s+by\s+(?:my|the|our)\s+(?:employer|company|work|boss)\b",
    r"\b(?:from|by)\s+(?:the\s+)?(?:customers|public|visitors|well-?wishers|supporters|"
    r"backers)\b",
    r"\bwhip-?round\s+(?:at|from)\s+(?:work|the\s+office|the\s+pub|church)\b",
]

# Paying a person for their work, however it is written down.
PAID_WORK = [
    r"\bwages?\b",
    r"\bsalar(?:y|ies)\b",
    r"\bpayroll\b",
    r"\bstipends?\b",
    r"\bhonorari(?:um|a)\b",
    r"\bovertime\b",
    r"\bper\s+diem\b",
    # "labour" but not the Labour Club's hall or Labour Day.
    r"\blabou?r\b(?!\s+(?:club|party|day|hall|exchange))",
    r"\bpaid\s+staff\b",
    r"\bstaff\s+(?:wages?|pay|salar(?:y|ies)|costs?|bonus(?:es)?|payments?|hours|meals?|"
    r"tips?)\b",
    r"\bstaffing\b",
    r"\b(?:sub-?)?contractors?\b(?!\s+(?:bags?|sacks?|grade|packs?))",
    r"\bfreelancers?\b",
    r"\bemployees?\b",
    r"\bemploy(?:ed|ing)\s+(?:a|an|someone|somebody|him|her|them)\b",
    r"\bhourly\s+(?:pay|wages?|paid|workers?|staff|labou?r)\b",
    r"\b(?:his|her|their|your|the\s+\w+'s)\s+(?:hourly|day|daily)\s+rate\b",
    r"\bday\s+rate\s+for\b",
    r"\b(?:a|one|two|\d+)\s+days?'?\s+(?:work|labou?r)\b",
    rf"\b{_NUMBER}\s+(?:hours?|hrs?|days?|shifts?)'?\s+(?:of\s+)?(?:work|labou?r|help|cleaning|"
    r"cooking|babysitting|childcare|gardening|driving|making|paid)\b",
    r"\bhours?\s+(?:worked|of\s+work|of\s+labou?r)\b",
    r"\b(?:worked|working)\s+(?:for\s+)?\d+(?:[.,]\d+)?\s*(?:hours?|hrs?|h|days?)\b",
    r"\bpay\s+for\s+(?:\d+(?:[.,]\d+)?|the|his|her|their|my)\s+(?:hours?|hrs?|shifts?|time|work)\b",
    r"\bfees?\s+for\s+(?:(?:his|her|their)\s+)?(?:work|labou?r|services?|time|the\s+work|help)\b",
    r"\b(?:call-?\s?out|labour)\s+(?:fee|charge)\b",
    # "Paid Joe for making the yogurt", "paid her to clean", "payment to ana for 3 hours".
    rf"\bpaid\s+(?!for\b|by\b|in\b|into\b|back\b|off\b|up\b)[\w']+(?:\s+[\w']+)?\s+for\s+{_WORK}",
    r"\bpaid\s+(?!for\b|by\b)[\w']+(?:\s+[\w']+)?\s+to\s+(?:make|clean|help|drive|cook|bake|fix|"
    r"repair|mend|paint|build|install|fit|babysit|look\s+after|mind|wash|sort|pack|run|cover|"
    r"do|work|teach|organi[sz]e|serve|stir|mow|milk|unload)\b",
    rf"\bpayment\s+to\s+[\w']+(?:\s+[\w']+)?\s+for\s+{_WORK}",
    # A person paid by the hour; "the village hall for 3 hours" is space hired by the hour.
    rf"\b(?:paid|pay|payment\s+to)\s+(?!the\b|a\b|an\b|st\b|saint\b|village\b|church\b|"
    rf"community\b|school\b|for\b|by\b)[\w']+\s+for\s+{_NUMBER}\s+(?:hours?|hrs?|shifts?)\b",
    r"\bpaid\s+[\w']+\s+[£$€]?\d+(?:[.,]\d+)?\s*(?:an|per|/|a)\s*(?:hour|hr|h|day)\b",
    rf"\b(?:pay|paid|paying|payment|wages|money|cash|fee|fees|tip|tips|thank-?\s?you|bonus)\s+"
    rf"(?:to|for)\s+(?:the|our|a|an)\s+(?:{_WORKER_KIND}\s+)?{_WORKER}",
    rf"\b(?:pay|paid|paying|tipped|tipping|tip)\s+(?:the|our|a|an)\s+(?:{_WORKER_KIND}\s+)?{_WORKER}",
    rf"\b(?:{_WORKER_KIND}\s+)?{_WORKER}(?:'s|')\s+(?:fee|fees|bill|time|labou?r|hours|call-?out|rate|invoice|"
    r"wages?|pay)\b",
    r"\b(?:tip|tipped|gratuity)\s+(?:for|to)\s+(?:the\s+|our\s+|a\s+)?(?!dump\b|landfill\b|"
    r"recycling\b|council\b)[a-z]+",
    r"\bgratuit(?:y|ies)\b",
    # A supplier that is a person who works: "our cleaner", "the babysitter".
    rf"\b(?:the|our|my|a)\s+(?:{_WORKER_KIND}\s+)?(?:cleaner|babysitter|nanny|handyman|gardener|"
    r"mechanic|plumber|electrician|childminder|carpenter|decorator|caterer)s?\b"
    r"(?!\s+(?:supply|supplies|shop|store|co\b|company|ltd|warehouse|spray|fluid|liquid))",
    # Nothing but the name of pay: "staff", "wages".
    r"^\s*(?:staff|wages?|salary|salaries|labou?r|fees?|payroll|stipend|honorarium)\s*$",
    r"\bfor\s+(?:all\s+)?(?:his|her|their)\s+(?:time|work|help|labou?r|trouble|efforts?)\b",
    r"\bfor\s+(?:covering|doing|taking|working)\s+(?:my|the|her|his|their)\s+shifts?\b",
    r"\b(?:who|that)\s+(?:helped|worked|cleaned|cooked|drove|babysat|made\s+the)\b",
    r"\bbaby-?sit\w*",
    r"\bchild\s*-?minder\w*|\bchild\s*-?minding\b|\bchild\s*care\b",
    r"\bnann(?:y|ies)\b(?!\s+goats?)",
    r"\bcleaning\s+(?:lady|man|service|services|company|crew)\b",
    r"\bhired?\s+(?:a|an|some)\s+(?:help|helper|person|someone|somebody|worker|hand|student|"
    r"teenager|cleaner|babysitter|nanny|driver|cook|chef|caterer|man|woman|guy|lad)\b",
    r"\bcommission\s+(?:for|to|on\s+sales)\b",
]

_COMPILED = {
    name: re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)
    for name, patterns in {
        "outside_money": OUTSIDE_MONEY,
        "someone_elses_money": SOMEONE_ELSES_MONEY,
        "paid_work": PAID_WORK,
    }.items()
}


def _found(lists: tuple[str, ...], *texts: str) -> list[str]:
    words: list[str] = []
    for text in texts:
        for name in lists:
            for match in _COMPILED[name].finditer(text or ""):
                word = " ".join(match.group(0).split())
                if word and word.lower() not in (seen.lower() for seen in words):
                    words.append(word)
    return words


def outside_money_words(*texts: str, paying_in: bool = False) -> list[str]:
    """The phrases of ``texts`` that read like money from outside the membership, as written;
    ``paying_in``: the texts describe a pay-in, so someone else's money counts too."""
    lists = ("outside_money", "someone_elses_money") if paying_in else ("outside_money",)
    return _found(lists, *texts)


def paid_work_words(*texts: str) -> list[str]:
    """The phrases of ``texts`` that read like paying a person for their work, as written."""
    return _found(("paid_work",), *texts)
