"""A dev set of testimony where the truth is known: bot campaigns spun the way real spinners
spin, among personal letters on the same topics and real unrelated comments.

`build(size, seed)` returns `size` Comments (text, label, kind) in arrival order; equal labels
are one true group. Kinds, and their rough shares:

- "spun" (55%): copies of the campaigns in bench/spun_templates.py (one label each). Every
  sentence of a copy is spun, its skeleton is one of its campaign's variants, and some copies
  are touched by their sender as well: a personal sentence added (~20%), a typo (~15%), the
  salutation replaced with their own or dropped (~10%). Four large campaigns take hundreds to
  thousands of copies at 5,000+ texts; six small ones keep 5-40.
- "own_two_hearings" (5%, in pairs): a resident's own letter sent to two hearings, the second
  naming the other hearing's measure and body, and sometimes saying one sentence differently.
  The two share a label: grouping them is right.
- "hard_negative" (15%): personal letters on the same topics, sharing the talking
  points and key terms (face surveillance, misidentification, civil liberties, police,
  Docket #0683, H.1538 ...) but not sentences: each is composed from independent pools of
  sentences (roles in a random order, a random subset) filled with the writer's own details;
  about one in ten quotes one sentence of a campaign. Each is its own label.
- "talking_points" (10%): residents' letters built from an advocacy page's menu of talking
  points (bench/talking_points.py): two to four points of one measure, for or against, copied
  word for word in the resident's own order, with a sentence or two of their own around them.
  Whole sentences recur across dozens of letters, yet no two share more than two points nor
  much of their wording: each is its own label.
- "unrelated" (up to 15%): real comments from ../shared/data/regulations-comments, one per
  `clust` and no two with the same words, each its own label. The data holds about 75 such
  comments: past that, spun copies take their place.

Deterministic for a given (size, seed).
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import NamedTuple

from bench.spintax import Spinner
from bench.spun_templates import CAMPAIGNS, COMMON

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "regulations-comments"
KINDS = ("spun", "own_two_hearings", "hard_negative", "talking_points", "unrelated")
SHARES = {  # spun: the rest
    "own_two_hearings": 0.05,
    "hard_negative": 0.15,
    "talking_points": 0.10,
    "unrelated": 0.15,
}
UNRELATED_MIN_WORDS = 20
UNRELATED_MAX_JACCARD = 0.1  # real comments kept must be this far apart
PERSONAL_SHARE, TYPO_SHARE, SALUTATION_SHARE = 0.20, 0.15, 0.10
QUOTING_SHARE = 0.10  # of hard negatives, those quoting one sentence of a campaign
HARD_MAX_SHARED_SENTENCES = 1  # a new personal letter shares at most this many sentences
HARD_MAX_JACCARD = 0.15  # ... and at most this word-3-gram overlap with any earlier one
HARD_TRIES = 8
COMMON_GRAM = 100  # a 3-gram in more letters than this says nothing about one of them
WORD = re.compile(r"\w+")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


class Comment(NamedTuple):
    text: str
    label: str
    kind: str


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


# Personal material: what residents write in their own words.

DETAILS = COMMON | {
    "job": "{a nurse|a teacher|a bus driver|a software engineer|a home health aide|"
    "an electrician|a public defender|a librarian|a line cook|a retired firefighter|"
    "a graduate student|a pharmacist|a carpenter|a paralegal|a social worker|"
    "a day care provider|an MBTA mechanic|a hospital janitor}",
    "relative": "{my son|my daughter|my husband|my wife|my brother|my sister|my nephew|"
    "my grandson|my cousin|my father|my best friend|my neighbor's boy|my partner}",
    "years": "{three|five|seven|eleven|fifteen|twenty-two|thirty|forty|almost ten|sixty}",
    "street": "{Blue Hill Avenue|Centre Street|Dudley Street|Washington Street|Hyde Park "
    "Avenue|Cambridge Street|Bennington Street|Talbot Avenue|Columbia Road|Tremont Street|"
    "River Street|Warren Street|Harvard Avenue|Boylston Street|Meridian Street}",
    "place": "{the Stop & Shop|the library branch|the corner store|the community center|"
    "the bus stop|the pharmacy|my church|the laundromat|the park|the T station|the mosque|"
    "the health center}",
    "event": "{a vigil|the Juneteenth march|a tenants' meeting|a school committee meeting|"
    "a union rally|a climate strike|a town hall|a Black Lives Matter protest|"
    "an immigration forum|the Women's March}",
}

# Roles a personal letter may play. Each sentence is built from small independent choices (its
# opening, its claim, its example, its hedge), so two residents making the same point share its
# key terms but seldom three words in a row; @MEASURE@ and @BODY@ are filled in per hearing.
ROLES: dict[str, list[str]] = {
    "who": [
        "{I have lived on [[street]]|I've rented near [[street]]|Home for me is [[hood]]|"
        "I grew up just off [[street]]|My apartment is in [[hood]]|I own a place in [[hood]]|"
        "I moved to [[town]]|I settled in [[hood]]} {for [[years]] years|since {1987|2003|"
        "2015|my twenties|high school|the pandemic}|{most of|all of|half} my life|ever since "
        "{college|my divorce|my kids were born}}{, and|; by trade|, where} I {work as|make a "
        "living as|am employed as|have been} [[job]].",
        "{Some background|A bit about me|For context|By way of introduction|First, who I am}: "
        "{[[job]]|[[job]] {by day|for the city|at a hospital|in a union shop}}, "
        "{renter|homeowner|parent of {two|three|one}|grandmother of {five|six}|caregiver for "
        "my {mom|father|aunt}}, and {a regular at [[place]]|a {voter|volunteer|deacon} in "
        "[[hood]]|someone who {rides|takes} the {bus|Orange Line|Red Line|commuter rail} "
        "{daily|every day|to work}}.",
    ],
    "story": [
        "{Last {spring|summer|winter|year}|A while back|In {2019|2021|2016|2022}|Not long "
        "ago|Two {Augusts|Octobers} ago} [[relative]] {was {stopped|questioned|held|searched}|"
        "got {pulled aside|detained|picked out}} {near [[place]]|on [[street]]|at {a "
        "bus stop|Downtown Crossing|South Station|a gas station}} because {an officer|a "
        "{guard|detective}|{somebody|someone} {official|in uniform}} {thought|decided|was "
        "sure} {he|they|she} {matched|looked like|resembled} {a {flyer|sketch|suspect "
        "photo}|someone {on|in} a {video|bulletin|still image}}.",
        "{At|During|After|On the way home from} [[event]] {I {noticed|counted|saw|spotted}|"
        "{my {sister|friend|son}|we} {noticed|pointed out}} {cameras|lenses|{a|one} "
        "{drone|camera van}} {on {every|each} {pole|corner|rooftop}|{above|around} the "
        "{crowd|square|stage}|{facing|pointed at} {us|the marchers|the crowd}}{, and|; "
        "I} {wondered|still wonder|never learned|nobody {could|would} {say|tell me}} "
        "{who|which agency} {kept|watched|looked at|had} {the {footage|pictures}|it}.",
        "{A {store|pharmacy|shop} {guard|manager}|{Security|Staff} at a {mall|department "
        "store|supermarket}|A {clerk|bouncer}} {once |}{accused|stopped|picked on|"
        "followed} {me|[[relative]] and me|my {mother|uncle} and me} {because|since|claiming} "
        '{{I|we} {"matched"|resembled|looked like} {someone|a {shoplifter|thief}} {on|in} '
        "{their|the} {camera|system|footage}|{their|the} {software|system|camera} "
        "{flagged|picked|tagged} {me|us|{her|him}}}{, {though|but} {I|we} had never "
        "{been|set foot} {there|inside} before|}.",
    ],
    "facts": [
        "{I {read|saw|heard|learned}|{A friend|My {nephew|niece|coworker}} {told me|showed "
        "me}|{The news|A {report|study|documentary}} {said|showed|found}|{Apparently|As I "
        "understand it|From what I gather},} {{that |}these {systems|programs|tools}|"
        "{face|facial} recognition {systems|programs}|the {algorithms|matching tools}} "
        "{misidentify|get wrong|fail on|confuse|mix up} "
        "{darker-skinned {women|people|faces}|{Black|brown} {faces|women|teenagers}|"
        "{women|people} of color|{older|Asian|young} {faces|people}} {{far|way|much} more "
        "often|{at|with} {higher|bigger|worse} {rates|error rates}|{again and again|"
        "routinely}}{ than {white men|{light|lighter}-skinned {men|people}}|}.",
        "{Misidentification|A {bad|false|wrong} {match|hit|identification}|{An|One} "
        "{error|mistake} {like that|of that kind}} {is not|isn't|can't be called} {a "
        "{small|minor|harmless} {bug|glitch|issue}|{an|a} {inconvenience|technicality|"
        "{rounding|software} error}} when {the {result|outcome|consequence}|what {follows|"
        "happens next}} {is|means} {handcuffs|{a night|a week|days} in {jail|a cell|"
        "lockup}|{losing|being fired from} {a job|your job}|{a|an} {arrest|criminal "
        "record}}.",
        "{Even|Reportedly even|I understand even} the {police commissioner|{head|chief} of "
        "police|{BPD|department} {leadership|brass}} {said|admitted|told {the council|a "
        "hearing|reporters}} {that |}{the|this} {technology|software|system} {isn't|was "
        "not|is not yet} {reliable|{good|accurate} enough|ready}{, {so|and} {why|how} "
        "{would|should|could} {we|the city|anyone} {rely|bet|build} on it|}.",
    ],
    "opinion": [
        "{I don't think|I can't see why|It makes no sense that|I'd hate it if} @BODY@ "
        "{should|would} {wait|hold off|sit on this} {for|until} {a scandal|{someone|"
        "somebody} {gets hurt|is jailed|is ruined}|{a|the first} {lawsuit|wrongful arrest|"
        "headline}} {before|to start} {drawing|setting|deciding on} {a line|limits|{the|"
        "some} {rules|boundaries}}.",
        "{To me|For me|In my view|As I see it|The way I look at it,} {this|the whole "
        "thing|this debate} is {about|really about|mostly about|first about} {civil "
        "liberties|{our|basic} {freedoms|rights}|{due process|privacy|the Constitution}} "
        "{first|before anything else|above all}, and {only then|only after that|"
        "{second|secondarily}} {about|a question of} {technology|{gadgets|software|"
        "efficiency}}.",
        "{Honestly|Truthfully|I admit}{,|} {I am|I feel|I'm} {torn|{of|in} two minds|conflicted|"
        "unsure}{,|;} {because|since|as} I {want|would love|need} {crimes|{shootings|"
        "break-ins|cases}} {solved|{cleared|closed}}{, but|, yet| and yet} {not|never} "
        "{at any price|{by|through} {watching|scanning|tracking} {everyone|all of us|the "
        "whole city}|{at|for} {that|this} {cost|price}}.",
    ],
    "position": [
        "{So|That's why|For {these|those|all these} reasons|All told|In short,} I {support|"
        "{back|favor}|am {for|in favor of}|would {vote|go} for} @MEASURE@{, and I "
        "{hope|trust|expect} @BODY@ will {pass|adopt|approve} it| {even if|though} it "
        "{isn't|is not} {perfect|everything I'd want|airtight}|}.",
        "{I'm|I am|My family is|We are} {against|opposed to|not in favor of|uneasy about} "
        "@MEASURE@ {as written|in its {present|current} form|as it stands}{ and {would "
        "rather|'d prefer to|hope to} see {rules|{clear|strict} {limits|regulations}} "
        "{than|instead of} a {ban|{total|blanket} ban}| {because|since} it {goes|reaches} "
        "too far|}.",
        "{Please|Kindly|I'd ask you to} {count|mark|put} me {down |}{as|for} {a yes|"
        "{support|in favor}|{a no|against}} on @MEASURE@{, and {thank|thanks to} {you|"
        "@BODY@} for {hearing|taking} {it|this} up|}.",
    ],
    "detail": [
        "{Whatever|However|Whichever way} {you|@BODY@} {decide|vote|go}, {please|I "
        "{hope|ask} you} {make|require} {the police|{the|every} department|{agencies|"
        "officials}} {to |}{report|publish|disclose|log} {every|each|any} {search|scan|"
        "request|use} {publicly|{online|to the council}|{once|twice} a year}.",
        "{I'd|I would|We'd} {also |}{want|like|need} {any|the} {rule|ordinance|law} to "
        "{cover|reach|include} {private {companies|vendors|contractors}|{data|photo} "
        "{brokers|sellers}|{the RMV|state agencies|federal partners}} {that|who} {sell|"
        "share|hand over} {{data|images|photos}|{our|people's} {faces|pictures}} {to|with} "
        "the {city|police|department}.",
        "{If there are|Should there be|Where the {bill|ordinance} allows} {exceptions|"
        "{carve-outs|emergency uses}}, {a judge|{a|the} court|{an independent|a neutral} "
        "{reviewer|body}} {should|must|ought to} {sign off on|approve|review} {each one|"
        "{every|each} {case|request}|them {one by one|individually}}.",
    ],
    "local": [
        "{[[hood]]|My {block|street} in [[hood]]|{Our|This} {part|corner} of [[hood]]} "
        "{has {seen|had|lived through}|knows} {enough|plenty of|more than its share of} "
        "{heavy|aggressive|over-} {policing|patrols|stops} {to know|to understand|to "
        "guess} {how|where|on whom} {these|such|those} {tools|programs|gadgets} {end up|"
        "get|will be} {used|pointed|aimed}.",
        "{On|Along|Up and down} [[street]] {the|{security|store}} cameras are {already |"
        "}{everywhere|on every {door|corner|pole}|{impossible to avoid|hard to miss}}, "
        "{from|on} the {bodegas|barbershops|laundromats} to the {bus shelters|{school|"
        "church} {doors|steps}|{T stop|bank}}.",
        "{People|Folks|Neighbors|Parents} {at|around|outside} [[place]] {talk|argue|"
        "worry} about {this|{cameras|surveillance}|it} {more than you'd {think|guess|"
        "expect}|{all the time|constantly|every week}}{, and {most|many|few} {trust|"
        "believe} {the city|{the|City} {promises|assurances}}|}.",
    ],
    "close": [
        "{Thank you|Thanks|Many thanks|I'm grateful} {for reading|for {your|the} {time|"
        "attention|patience}|for {holding|having} {the|this} hearing|{so much|in "
        "advance}}{, and {good luck|best wishes} {with|on} {a hard|a tough|this} "
        "{decision|vote|call}|}.",
        "{I hope|I trust|Please make sure} {you'll|you will|@BODY@ will} {take {these|my} "
        "{comments|thoughts|concerns} {into account|seriously}|keep {these|my} {comments|"
        "thoughts|concerns} in mind}{, and I'll {be following|follow|watch} the {vote|outcome|"
        "session} {closely|carefully}|}.",
    ],
}
# More ways of saying each part, so that no two constructions recur across many letters.
_MORE = {
    "who": [
        "{Twenty|Thirty|Eleven|Six} years {ago|back} I {came|moved} {to [[hood]]|here} "
        "{from {Haiti|Cape Verde|El Salvador|Vietnam|County Cork|Mogadishu}|{with|after} "
        "{nothing|a suitcase|my {parents|aunt}}}{, and|;} {today|now|these days} I "
        "{{run|manage} a {small|tiny} {crew|team|shop}|{teach|coach} {kids|teenagers}|"
        "{clean|cook in} a {hospital|school|hotel}} {near|off|by} [[street]].",
        "{You may know me from|Some of you know me from|Maybe we met at|I'm the one who "
        "{spoke|asked a question} at} {[[event]]|the {budget|zoning} {meeting|hearing}|"
        "[[place]]}{; I|, where I} {{was|am} {with|part of} {the|a} {tenants' union|PTA|"
        "{neighborhood|civic} association}|{brought|handed out} {the|some} {flyers|coffee}}.",
    ],
    "story": [
        "{My|Our} {downstairs|next-door|upstairs} {neighbor|tenant}{, {who|a man who} "
        "{is|was} {sixty|eighty|forty} {and|,} {{has|had} never|{hasn't|hadn't} ever} "
        "{been in trouble|had so much as a ticket},|} {spent|lost} {a {day|weekend|week}|"
        "{two|three} {days|nights}} {proving|showing|trying to prove} {he|she} {wasn't|was "
        "not} {the person|the {man|woman}} in {a|some} {grainy|blurry|{store|bank}} "
        "{photo|still|clip}.",
        "{Nothing|Nothing much|Nothing dramatic} {has|ever} happened to me{, but|; still,} "
        "{I {think|worry} about|{it|this} {makes me {think|worry} about}} {my {grandson|"
        "niece|kids}|{the|those} {teenagers|kids} {on|at} {my|the} {stoop|corner|court}}"
        "{ every time I {hear|read} about {a|another} {wrongful|false} {arrest|match}|}.",
    ],
    "facts": [
        "{There was|I remember|You've probably heard of} a {man|father|case} {in|from} "
        "{Michigan|New Jersey|Louisiana|Detroit} {who|that} {spent|{ended|wound} up with} "
        "{{thirty|a few|ten} {hours|days|nights} in {jail|custody|a cell}|{charges|a record}} "
        "{because of|over|after} {a {bad|wrong|false} {match|hit}|{some|the} {software|"
        "computer's} {guess|mistake}}{, {and|though|even though} he {had an alibi|was "
        "{miles|a state} away|had never been there}|}.",
        "{These|Face} {databases|photo {files|collections}} {get|are} {hacked|leaked|"
        "breached} {like|the same as} {everything|anything} else{,|;} {and|but} {you|"
        "{none|no one} of us} {can't|cannot|{can|could} never} {change|{reset|replace}} "
        "{your|a|our} {face|faces} {like|the way you {change|reset}} a password.",
    ],
    "opinion": [
        "{Nobody|No one|Not one person} {I know|on my {block|street}|in my family} "
        "{voted|signed up|asked} {for|to be} {being |}{scanned|photographed|identified|"
        "tracked} {on the way to|{walking|going} to|{outside|inside}} {the {grocery "
        "store|laundromat|clinic}|{church|work|school}}.",
        "{Technology|Software|This stuff} {moves|changes|improves} {faster|quicker|more "
        "{quickly|rapidly}} than {the law|{our|the} laws|{legislators|lawmakers}}{, which "
        "is {exactly|precisely}|; that's {exactly|just}} why {the law has|lawmakers have|you "
        "need} to {set|draw|decide} the {limits|lines|{ground |}rules} {first|"
        "{now|early}|{ahead of time|in advance}}.",
    ],
    "position": [
        "{My|Our} {family|household|{book club|bowling league}} {talked|argued} {it|this} "
        "over {at|after} {dinner|{Sunday |}{lunch|brunch}|{church|the game}}{, and|;} "
        "{we|all of us|{most|all} of us} {{back|support}|{are|came out} {for|against}} "
        "@MEASURE@.",
        "@MEASURE@ {seems|looks|strikes me as} {like |}{the least|{the|a} {minimum|"
        "{sensible|decent} {first|starting}} {step|point}|{a|the} {reasonable|fair|"
        "modest} {answer|{middle|common} ground}} {{we|@BODY@} can {do|take}|{for now|"
        "right now|{at|for} this point}}.",
    ],
    "detail": [
        "{Schools|Public schools|{Daycares|Colleges}} {should|must|need to} be "
        "{included|covered|part of it}{;|, since|, because} I {don't|do not} {want|like "
        "the idea of} {my|our|any} {kids|{grandkids|students}} {scanned|{photographed|"
        "checked}} {walking|on the way} {into|to} {class|{school|the building}}.",
        "{Any|All|Whatever} {footage|video|images} the {city|department} {keeps|holds|"
        "stores} {should|ought to|must} be {deleted|erased|thrown out} {after|within} "
        "{thirty days|a week|a month|{ninety|sixty} days} unless {a judge|{a|the} court} "
        "{says|orders|decides} {otherwise|{it's|it is} evidence}.",
    ],
    "local": [
        "{In|Over in|Out in} [[town]], {where|which is where} my {mother|sister|aunt} "
        "{lives|grew up|{still |}works}, {they|people|the town} {had|went through|fought} "
        "{a long|a {bitter|loud}} {fight|argument|debate} {over|about} {license plate "
        "readers|{doorbell|traffic} cameras|{ShotSpotter|drones}}.",
        "{The|A} {shooting|break-in|robbery} {near|by|behind} [[place]] {last|this past} "
        "{fall|month|winter} {is still|remains} {unsolved|open}{, and|;} {people here are|my "
        "neighbors feel|the block is} {frustrated|{angry|torn}} {about {that|it}|{both|"
        "either} way}.",
    ],
    "close": [
        "{Feel free|Please feel free|You're welcome} to {contact|email|call|reach} me "
        "{if|should} {you have|anyone has|staff have} {questions|{more|any} questions}"
        "{, and {thanks|thank you} {again|for your time}|}.",
        "{Sorry|Apologies|Forgive me} {this|if this} {is|{ran|went} {so |}} {long|"
        "{rambling|on}}{, and|;} {thank you|thanks|I appreciate you} {for {reading|"
        "{getting|making it} {this|to the} {far|end}}|all the same}.",
    ],
}
for _role, _extra in _MORE.items():
    ROLES[_role].extend(_extra)


QUOTE_FRAMES = [
    'As the flyer put it, "@QUOTE@"',
    'I got an email that said "@QUOTE@", and I agree with that much.',
    'A neighbor forwarded me a letter saying "@QUOTE@" but I wanted to write my own.',
    'Someone at [[place]] told me: "@QUOTE@"',
    'I saw a post saying "@QUOTE@", which is partly true.',
]
OPENERS = ("who", "story", "opinion", "local")
VENUES = [  # (measure, body) as a resident names them
    ("the face surveillance ban", "the City Council"),
    ("Docket #0683", "the council"),
    ("the Boston ordinance", "our councilors"),
    ("H.1538", "the Judiciary Committee"),
    ("S.1385", "the Legislature"),
    ("the moratorium bill", "the committee"),
    ("the BriefCam order", "the Council"),
]
TWO_HEARINGS = [  # a resident's letter to the city, then to the state (or the other way)
    (("Docket #0683", "the City Council"), ("H.1538", "the Judiciary Committee")),
    (("the Boston ordinance", "the council"), ("the state moratorium bill", "the committee")),
    (("the face surveillance ban", "our councilors"), ("S.1385", "the Legislature")),
    (("Docket #0683", "the committee"), ("Docket #0684", "the committee")),
]
SALUTATIONS = [
    "Hi all,",
    "To whom it may concern:",
    "Dear Council members,",
    "Hello,",
    "Dear committee,",
    "Good evening,",
]


@cache
def _details() -> Spinner:
    return Spinner(DETAILS)


def _sentence(role: str, index: int, rng: random.Random) -> str:
    return _details().render(ROLES[role][index], rng)


def personal_letter(rng: random.Random, *, names_measure: bool = False) -> list[tuple[str, int]]:
    """A resident's letter as (role, sentence number) pairs: a random subset of the roles in a
    random order, opening with a role a person opens with; most say where they stand on the
    measure, and all do when `names_measure`."""
    roles = [r for r in ROLES if r not in ("close",)]
    chosen = rng.sample(roles, rng.randint(3, 6))
    openers = [r for r in chosen if r in OPENERS] or [rng.choice(OPENERS)]
    first = rng.choice(openers)
    rest = [r for r in chosen if r != first]
    if "position" not in rest and (names_measure or rng.random() < 0.8):
        rest.append("position")
    rng.shuffle(rest)
    plan = [first, *rest] + (["close"] if rng.random() < 0.6 else [])
    return [(role, rng.randrange(len(ROLES[role]))) for role in plan]


CONTRACTIONS = [
    ("I am", "I'm"),
    ("do not", "don't"),
    ("does not", "doesn't"),
    ("it is", "it's"),
    ("that is", "that's"),
    ("I would", "I'd"),
    ("cannot", "can't"),
    ("is not", "isn't"),
    ("I have", "I've"),
    ("we are", "we're"),
]
# Words and phrases each writer says their own way: every occurrence is reworded at random, so
# two residents making the same point rarely share more than its key terms.
REWORDINGS = {
    "think": ("believe", "feel", "suspect", "guess"),
    "really": ("truly", "honestly", "very much", "genuinely"),
    "everybody": ("everyone", "all of us", "every one of us"),
    "kids": ("children", "little ones", "young people", "teenagers"),
    "because": ("since", "as", "given that"),
    "people": ("folks", "residents", "neighbors", "individuals"),
    "camera": ("surveillance camera", "CCTV camera", "security camera", "lens"),
    "cameras": ("surveillance cameras", "CCTV cameras", "security cameras", "lenses"),
    "city": ("City", "municipality", "city government", "administration"),
    "know": ("understand", "realize", "am aware", "see"),
    "worried": ("concerned", "anxious", "nervous", "uneasy"),
    "nervous": ("worried", "anxious", "on edge", "uneasy"),
    "scanned": ("photographed", "identified", "tracked", "recorded"),
    "technology": ("tech", "software", "system", "tool"),
    "a lot": ("a great deal", "plenty", "often", "constantly"),
    "stopped": ("pulled over", "questioned", "held up", "detained"),
    "read": ("saw", "learned", "heard", "came across news"),
    "far more often": ("much more often", "way more often", "more frequently", "far more"),
    "accurate": ("reliable", "precise", "correct", "trustworthy"),
    "wrong": ("mistaken", "in error", "off", "incorrect"),
    "arrested": ("locked up", "jailed", "taken in", "booked"),
    "jail": ("a cell", "lockup", "custody", "prison"),
    "government": ("state", "authorities", "officials", "powers that be"),
    "decide": ("determine", "choose", "settle", "rule on"),
    "trust": ("faith", "confidence", "good will", "belief"),
    "problem": ("issue", "concern", "danger", "worry"),
    "scandal": ("outrage", "disgrace", "national story", "big deal"),
    "neighbors": ("neighbours", "the people next door", "folks on my block", "friends nearby"),
    "block": ("street", "corner", "building", "stretch of road"),
    "years": ("years", "winters", "long years", "whole years"),
    "friend": ("pal", "coworker", "classmate", "buddy"),
    "footage": ("video", "recordings", "tape", "images"),
    "video": ("footage", "recordings", "tape", "clips"),
    "search": ("lookup", "query", "scan", "check"),
    "searches": ("lookups", "queries", "scans", "checks"),
    "unsolved": ("open", "not solved", "a mystery", "cold"),
    "frustrated": ("angry", "fed up", "upset", "tired of it"),
    "limits": ("boundaries", "rules", "guardrails", "lines"),
    "question": ("issue", "matter", "point", "problem"),
    "hard": ("difficult", "tough", "complicated", "thorny"),
    "decision": ("choice", "call", "vote", "judgment"),
    "support": ("back", "favor", "endorse", "stand behind"),
    "approve": ("pass", "adopt", "okay", "vote for"),
    "rules": ("regulations", "limits", "standards", "laws"),
    "ban": ("prohibition", "outright ban", "blanket ban", "total ban"),
    "missing": ("lost", "vanished", "runaway", "abducted"),
    "private companies": ("businesses", "vendors", "corporations", "tech firms"),
    "publicly": ("in public", "openly", "on the record", "to the public"),
    "court": ("a judge", "the courts", "court", "a courtroom"),
    "audit": ("review", "inspect", "check", "examine"),
    "deleted": ("erased", "purged", "destroyed", "wiped"),
    "thank you": ("thanks", "many thanks", "thank you so much", "I am grateful"),
    "listening": ("hearing us out", "paying attention", "your patience", "hearing me"),
    "appreciate": ("value", "am grateful for", "respect", "recognize"),
    "perfect": ("flawless", "ideal", "complete", "airtight"),
    "price": ("cost", "expense", "sacrifice", "trade-off"),
    "crimes": ("cases", "offenses", "break-ins", "shootings"),
    "immigrant": ("newcomer", "immigrant", "migrant", "foreign-born"),
    "families": ("households", "families", "parents", "homes"),
    "database": ("system", "repository", "records", "file"),
    "databases": ("systems", "records", "files", "servers"),
    "hacked": ("breached", "leaked", "broken into", "compromised"),
    "license": ("driver's license", "ID", "license", "RMV"),
    "sort out": ("clear up", "straighten out", "resolve", "fix"),
    "accused": ("blamed", "suspected", "charged", "pointed at"),
    "installed": ("put in", "set up", "added", "mounted"),
    "moved": ("came", "relocated", "arrived", "settled"),
    "retired": ("former", "retired", "ex-", "longtime"),
    "every": ("each", "every single", "any", "every"),
    "important": ("vital", "crucial", "essential", "serious"),
}
REWORDABLE = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(REWORDINGS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
HEDGES = (
    "Honestly, ",
    "Frankly, ",
    "To be honest, ",
    "In my opinion, ",
    "Personally, ",
    "Also, ",
    "Anyway, ",
    "Now, ",
    "Let me say that ",
    "Speaking as a neighbor, ",
    "And ",
    "I should say that ",
    "For what it's worth, ",
    "Look, ",
)


# A sentence's first word keeps its capital after a hedge when it is "I" or a place's name.
KEEP_CAPITAL = {"I", "I'm", "I'd", "I've", "I'll"} | {
    name.split()[0]
    for places in (COMMON["hood"], COMMON["town"])
    for name in places.strip("{}").split("|")
    if name[:1].isupper()
}


class Voice:
    """How one writer words things: contractions or not, pet words, hedges."""

    def __init__(self, rng: random.Random) -> None:
        self.contract = rng.choice((None, True, False))
        self.rewording = rng.choice((0.5, 0.7, 0.9))
        self.hedging = rng.choice((0.0, 0.15, 0.3))

    def apply(self, sentence: str, rng: random.Random) -> str:
        if self.contract is not None:
            for long, short in CONTRACTIONS:
                old, new = (long, short) if self.contract else (short, long)
                sentence = re.sub(rf"\b{re.escape(old)}\b", new, sentence)
                sentence = re.sub(rf"\b{re.escape(old.capitalize())}\b", new.capitalize(), sentence)

        def reword(match: re.Match) -> str:
            if rng.random() >= self.rewording:
                return match.group()
            said = rng.choice(REWORDINGS[match.group().lower()])
            return said[:1].upper() + said[1:] if match.group()[:1].isupper() else said

        sentence = REWORDABLE.sub(reword, sentence)
        if rng.random() < self.hedging and not sentence.startswith(("@", '"')):
            first = sentence.split(" ", 1)[0].rstrip(",;:")
            keep = first in KEEP_CAPITAL or (len(first) > 1 and first.isupper())
            start = sentence if keep else sentence[:1].lower() + sentence[1:]
            sentence = rng.choice(HEDGES) + start
        return sentence[:1].upper() + sentence[1:]


def sentences_of(plan, rng: random.Random, quote: str = "") -> list[str]:
    voice = Voice(rng)
    sentences = [voice.apply(_sentence(role, index, rng), rng) for role, index in plan]
    if quote:
        frame = _details().render(rng.choice(QUOTE_FRAMES), rng)
        sentences.insert(rng.randint(1, len(sentences)), frame.replace("@QUOTE@", quote))
    return sentences


def write_letter(sentences: list[str], venue: tuple[str, str], rng: random.Random) -> str:
    """The sentences in paragraphs, naming the venue's measure and body."""
    measure, body = venue
    paragraphs, current = [], []
    for sentence in sentences:
        named = sentence.replace("@MEASURE@", measure).replace("@BODY@", body)
        current.append(named[:1].upper() + named[1:])
        if len(current) >= 2 and rng.random() < 0.4:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


# Edits a sender makes to a bot's copy.

PERSONAL = [
    "I live in [[hood]] and this matters to my family.",
    "[[relative]] asked me to write too.",
    "I'm [[job]] and I see the effects of this every day.",
    "I've lived in [[town]] for [[years]] years.",
    "Please read this, it's important to me.",
    "I wrote this on my lunch break at [[place]].",
]


def typo(text: str, rng: random.Random) -> str:
    """One slip of the fingers in a word of four letters or more."""
    words = [m for m in WORD.finditer(text) if len(m.group()) >= 4]
    if not words:
        return text
    match = rng.choice(words)
    word, at = match.group(), rng.randrange(1, len(match.group()) - 1)
    slips = [
        word[:at] + word[at + 1 :],  # a letter dropped
        word[:at] + word[at + 1] + word[at] + word[at + 2 :],  # two swapped
        word[:at] + word[at] + word[at:],  # one doubled
    ]
    return text[: match.start()] + rng.choice(slips) + text[match.end() :]


def touch(text: str, rng: random.Random) -> str:
    if rng.random() < PERSONAL_SHARE:
        line = _details().render(rng.choice(PERSONAL), rng)
        paragraphs = text.split("\n\n")
        at = rng.choice([1, len(paragraphs) - 1]) if len(paragraphs) > 2 else len(paragraphs)
        paragraphs.insert(at, line)
        text = "\n\n".join(paragraphs)
    if rng.random() < TYPO_SHARE:
        text = typo(text, rng)
    if rng.random() < SALUTATION_SHARE:
        first, _, rest = text.partition("\n\n")
        if rest and len(first.split()) <= 8:  # it opens with a salutation
            text = rest if rng.random() < 0.4 else f"{rng.choice(SALUTATIONS)}\n\n{rest}"
    return text


# Real unrelated comments.


@cache
def unrelated_pool() -> tuple[str, ...]:
    """One comment per (docket, comp, clust), none with the same words as another, nor
    sharing much wording with one kept before it: in the pilot's data a `clust` of one
    component can still be a near copy of another's, and those would be true pairs."""
    # The limit is process-wide, and tests that build this set share a process with the
    # agenda importer's, which rely on the default: put it back afterwards.
    previous = csv.field_size_limit(10**9)
    try:
        by_cluster: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for path in sorted(DATA.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    text = row["text"].strip()
                    if len(WORD.findall(text)) >= UNRELATED_MIN_WORDS:
                        by_cluster[(path.stem, row["comp"], row["clust"])].append(text)
    finally:
        csv.field_size_limit(previous)
    pool: list[str] = []
    kept: list[set] = []
    seen: set[str] = set()
    for key in sorted(by_cluster):
        text = min(by_cluster[key], key=lambda t: (len(t), t))  # the plainest of its cluster
        words = " ".join(WORD.findall(text.lower()))
        grams = trigrams(text)
        if words in seen or any(_alike(grams, other) for other in kept):
            continue
        seen.add(words)
        kept.append(grams)
        pool.append(text)
    return tuple(pool)


def _alike(a: set, b: set) -> bool:
    """Near copies: much wording in common, or most of the shorter one in the other."""
    common = len(a & b)
    return common / len(a | b) > UNRELATED_MAX_JACCARD or common / min(len(a), len(b)) > 0.25


# The corpus.


def campaign_sizes(spun: int) -> list[int]:
    """Copies per campaign: the small ones their own count (scaled down for a tiny corpus),
    the large ones the rest by weight."""
    fixed = [count for _, count in CAMPAIGNS if isinstance(count, int)]
    scale = min(1.0, spun / (4 * sum(fixed))) if fixed else 1.0
    sizes = [max(2, round(c * scale)) if isinstance(c, int) else 0 for _, c in CAMPAIGNS]
    left = max(0, spun - sum(sizes))
    weights = [(i, c) for i, (_, c) in enumerate(CAMPAIGNS) if isinstance(c, float)]
    total = sum(w for _, w in weights)
    for i, weight in weights:
        sizes[i] = max(2, int(left * weight / total))
    biggest = weights[0][0]
    sizes[biggest] += spun - sum(sizes)
    return sizes


class _Distinct:
    """Personal letters so far: a new one may share at most one sentence and little wording
    with any of them (else it would be a campaign of its own)."""

    def __init__(self) -> None:
        self.by_sentence: dict[str, list[int]] = defaultdict(list)
        self.by_gram: dict[tuple, list[int]] = defaultdict(list)
        self.sizes: list[int] = []

    def closest(self, sentences: list[str], grams: set) -> tuple[int, float]:
        """(most sentences shared with one earlier letter, highest word-3-gram Jaccard)."""
        keys = {" ".join(WORD.findall(s.lower())) for s in sentences}
        shared = Counter(i for key in keys for i in self.by_sentence.get(key, ()))
        common = Counter(
            i
            for gram in grams
            if len(self.by_gram.get(gram, ())) <= COMMON_GRAM
            for i in self.by_gram.get(gram, ())
        )
        overlap = max(
            (n / (len(grams) + self.sizes[i] - n) for i, n in common.items()), default=0.0
        )
        return max(shared.values(), default=0), overlap

    def fits(self, sentences: list[str], grams: set) -> bool:
        shared, overlap = self.closest(sentences, grams)
        return shared <= HARD_MAX_SHARED_SENTENCES and overlap <= HARD_MAX_JACCARD

    def add(self, sentences: list[str], grams: set) -> None:
        number = len(self.sizes)
        self.sizes.append(len(grams))
        for key in {" ".join(WORD.findall(s.lower())) for s in sentences}:
            self.by_sentence[key].append(number)
        for gram in grams:
            self.by_gram[gram].append(number)


def _personal(rng: random.Random, distinct: _Distinct, quote: str = "", names_measure=False):
    """(plan, sentences, text) of a personal letter unlike those before it: the first of a few
    tries that shares at most a sentence and little wording with each, else the least alike."""
    best = None
    for _ in range(HARD_TRIES):
        plan = personal_letter(rng, names_measure=names_measure)
        sentences = sentences_of(plan, rng, quote)
        text = write_letter(sentences, rng.choice(VENUES), rng)
        grams = trigrams(text)
        shared, overlap = distinct.closest(sentences, grams)
        if best is None or (shared, overlap) < best[0]:
            best = ((shared, overlap), plan, sentences, text, grams)
        if shared <= HARD_MAX_SHARED_SENTENCES and overlap <= HARD_MAX_JACCARD:
            break
    _, plan, sentences, text, grams = best
    distinct.add(sentences, grams)
    return plan, sentences, text


def _campaign_sentence(rng: random.Random) -> str:
    """One sentence of a campaign's letter (not its salutation or sign-off), to quote."""
    campaign, _ = rng.choice(CAMPAIGNS)
    _, text = campaign.render(rng)
    body = " ".join(text.split("\n\n")[1:-1]) or text
    sentences = [s for s in SENTENCE.split(body) if len(s.split()) >= 8]
    return sentences[0] if sentences else text


def build(size: int = 5000, seed: int = 0) -> list[Comment]:
    rng = random.Random(seed)
    pairs = round(size * SHARES["own_two_hearings"] / 2)
    pool = unrelated_pool()
    unrelated = min(round(size * SHARES["unrelated"]), len(pool))
    hard = round(size * SHARES["hard_negative"])
    points = round(size * SHARES["talking_points"])
    spun = max(0, size - 2 * pairs - unrelated - hard - points)  # more where real comments run out
    corpus: list[Comment] = []
    for (campaign, _), count in zip(CAMPAIGNS, campaign_sizes(spun), strict=True):
        for _ in range(count):
            _, text = campaign.render(rng)
            corpus.append(Comment(touch(text, rng), f"spun:{campaign.name}", "spun"))
    del corpus[spun:]  # a tiny corpus may not hold two copies of every campaign
    distinct = _Distinct()
    for number in range(pairs):
        plan, sentences, _ = _personal(rng, distinct, names_measure=True)
        first, second = rng.choice(TWO_HEARINGS)
        if rng.random() < 0.5:
            first, second = second, first
        layout = rng.random()  # the same paragraphs both times
        one = write_letter(sentences, first, random.Random(layout))
        if rng.random() < 0.5:  # they say one sentence differently the second time
            at = rng.randrange(len(plan))
            role = plan[at][0]
            sentences = list(sentences)
            sentences[at] = _sentence(role, rng.randrange(len(ROLES[role])), rng)
        two = write_letter(sentences, second, random.Random(layout))
        label = f"own:{number}"
        corpus += [Comment(one, label, "own_two_hearings"), Comment(two, label, "own_two_hearings")]
    for number in range(hard):
        quote = _campaign_sentence(rng) if rng.random() < QUOTING_SHARE else ""
        _, _, text = _personal(rng, distinct, quote)
        corpus.append(Comment(text, f"hard:{number}", "hard_negative"))
    from bench.talking_points import letters  # it builds on this module's personal material

    for number, text in enumerate(letters(points, rng)[0]):
        corpus.append(Comment(text, f"points:{number}", "talking_points"))
    for number, text in enumerate(rng.sample(pool, unrelated)):
        corpus.append(Comment(text, f"unrelated:{number}", "unrelated"))
    rng.shuffle(corpus)
    return corpus[:size]


def overlap_by_campaign(corpus: list[Comment], pairs: int = 400, seed: int = 0) -> dict:
    """For each campaign: (copies, mean and least word-3-gram Jaccard of random pairs)."""
    rng = random.Random(seed)
    copies: dict[str, list[set]] = defaultdict(list)
    for comment in corpus:
        if comment.kind == "spun":
            copies[comment.label].append(trigrams(comment.text))
    result = {}
    for label, sets in copies.items():
        if len(sets) < 2:
            continue
        values = []
        for _ in range(pairs):
            a, b = rng.sample(range(len(sets)), 2)
            values.append(jaccard(sets[a], sets[b]))
        result[label] = (len(sets), sum(values) / len(values), min(values))
    return result


def describe(corpus: list[Comment]) -> None:
    """Print the kinds, the campaigns and how much their copies share."""
    kinds = Counter(c.kind for c in corpus)
    print(
        f"{len(corpus):,} texts: "
        + ", ".join(f"{k} {kinds[k]:,} ({kinds[k] / len(corpus):.0%})" for k in KINDS)
    )
    print("campaigns (copies, word-3-gram Jaccard of random pairs of copies: mean, least):")
    for label, (n, mean, least) in sorted(overlap_by_campaign(corpus).items()):
        print(f"  {label:<36} {n:>6,}  mean {mean:.3f}  least {least:.3f}")


if __name__ == "__main__":
    describe(build())
