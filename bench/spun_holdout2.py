"""A second held-out set for campaign grouping, written apart from the dev set and its code.

`build(size, seed)` returns `Comment(text, label, kind)` in arrival order; equal labels are one
true group. Kinds, as shares of `size`:

- "spun" (~50%): twelve bot campaigns that spin the way real spinning bots do. Each campaign
  keeps one sentence skeleton (two to four variants: sentences swapped or dropped) and draws
  nearly every phrase from a list of equivalent alternatives, nested, including the name it
  gives its own subject. Some copies are touched by the sender: a salutation changed, a
  personal sentence, typos, a signature.
- "form" (~10%): five plain form letters sent with light edits.
- "own_two_hearings" (~5%): a resident's own letter sent to two hearings, naming each
  hearing's measure; one label per pair.
- "hard_negative" (~35%): letters that must each stay alone: residents' own letters on the
  campaigns' topics and terms, some quoting one campaign sentence verbatim, some built partly
  from an advocacy page's menu of sample sentences, and short one-line comments. No two are
  near copies (word 3-gram Jaccard at most 0.4).

Everything here (the spinning engine, the campaigns, the letters) is self-contained.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import NamedTuple


class Comment(NamedTuple):
    text: str
    label: str
    kind: str


# --- spinning engine --------------------------------------------------------------------------
# "{a|b|{c|d} e}" picks one alternative at each level; "@X" is a macro replaced, before parsing,
# by the campaign's spintax for X (so every mention of the subject is spun on its own).


def _parse(text: str, i: int = 0, depth: int = 0):
    """Parse spintax into a tree: a sequence is a list of str and alternatives (tuples of
    sequences). Returns (sequence, next index)."""
    seq: list = []
    buf: list[str] = []
    while i < len(text):
        ch = text[i]
        if ch == "{":
            if buf:
                seq.append("".join(buf))
                buf = []
            options = []
            i += 1
            while True:
                option, i = _parse(text, i, depth + 1)
                options.append(option)
                if i >= len(text):
                    raise ValueError(f"unclosed brace in {text!r}")
                if text[i] == "}":
                    i += 1
                    break
                i += 1  # "|"
            seq.append(tuple(options))
            continue
        if depth and ch in "|}":
            break
        buf.append(ch)
        i += 1
    if buf:
        seq.append("".join(buf))
    return seq, i


_TREES: dict[str, list] = {}


def _tree(text: str) -> list:
    tree = _TREES.get(text)
    if tree is None:
        tree, end = _parse(text)
        if end != len(text):
            raise ValueError(f"stray brace in {text!r}")
        _TREES[text] = tree
    return tree


def _expand(seq: list, rng: random.Random) -> str:
    out = []
    for part in seq:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(_expand(rng.choice(part), rng))
    return "".join(out)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return text[:1].upper() + text[1:] if text else text


def spin(text: str, rng: random.Random, macros: dict[str, str] | None = None) -> str:
    """One realization of a spintax string."""
    for name, value in (macros or {}).items():
        text = text.replace("@" + name, "{" + value + "}")
    return _tidy(_expand(_tree(text), rng))


# --- people and places ------------------------------------------------------------------------


def _items(text: str, sep: str | None = "|") -> tuple[str, ...]:
    return tuple(text.split(sep))


FIRST = _items(
    "Maria James Aisha Tom Priya Kevin Rosa Daniel Mei Patrick Fatima Liam Grace Omar Hannah "
    "Luis Chloe Ibrahim Erin Sean Yolanda Marcus Nadia Peter Keisha Victor Ruth Diego Lena "
    "Samuel Joan Tariq Beth Andre Colleen Hiroshi Bridget Emeka Sofia Walter Deborah Jamal "
    "Ingrid Raymond Thuy Gabriel Maureen Kwame Alice Rafael",
    None,
)
LAST = _items(
    "Alvarez Brennan Chen Donovan Estrada Fitzgerald Gupta Haddad Ito Jackson Kowalski Lopez "
    "Murphy Nguyen O'Brien Patel Quinn Rossi Santos Tran Underwood Vasquez Walsh Xu Yilmaz "
    "Zimmerman Barros Caruso Delgado Egan Flores Greene Hogan Iqbal Jensen Kearney Lindqvist "
    "McCarthy Novak Okafor Pereira Riordan Sullivan Teixeira Umeh Vieira Whitfield",
    None,
)
TOWNS = _items(
    "Dorchester|Roxbury|Jamaica Plain|East Boston|Brighton|Charlestown|Mattapan|Hyde Park|"
    "Roslindale|West Roxbury|South Boston|Somerville|Cambridge|Worcester|Springfield|Lowell|"
    "Quincy|Medford|Malden|Salem|Framingham|Amherst|Northampton|Pittsfield|Brockton|Lynn|"
    "New Bedford|Fall River|Arlington|Newton|Waltham|Holyoke|Chicopee|Fitchburg|Weymouth"
)
STREETS = _items(
    "Maple|Walnut|Centre|Washington|Columbia|Hancock|Adams|Dudley|Blue Hill|Talbot|Bowdoin|"
    "Elm|Chestnut|Pleasant|Summer|Winter|Prospect|Highland|Union|Liberty|Oak|Cedar|Harvard|"
    "Magnolia|Brook|Forest|Mill|River|School|Church|Spring|Franklin|Beacon|Lincoln|Grove"
)
RELATIVES = _items(
    "my daughter|my son|my husband|my wife|my partner|my mother|my father|my neighbor|"
    "my brother|my sister|my grandson|my granddaughter|a coworker|my roommate|my nephew|"
    "my niece|a close friend|my best friend|my uncle|my aunt|my landlord|my tenant"
)
JOBS = _items(
    "a nurse|a teacher|a bus driver|a retired firefighter|an electrician|a graduate student|"
    "a small business owner|a software developer|a social worker|a pastor|a librarian|"
    "a home health aide|a carpenter|a public defender|a line cook|an accountant|"
    "a retired police officer|a pharmacist|a union plumber|a daycare provider|an architect|"
    "a paralegal|a barber|a mail carrier|a high school coach|a physical therapist"
)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _details(rng: random.Random) -> dict[str, str]:
    return {
        "name": _name(rng),
        "town": rng.choice(TOWNS),
        "street": f"{rng.choice(STREETS)} {rng.choice(['Street', 'Avenue', 'Road', 'Terrace'])}",
        "years": str(rng.randint(2, 46)),
        "year": str(rng.randint(1978, 2024)),
        "rel": rng.choice(RELATIVES),
        "job": rng.choice(JOBS),
        "kids": rng.choice(["two kids", "three children", "a toddler", "a teenager", "twins"]),
        "n": str(rng.randint(3, 90)),
    }


# --- spun campaigns ---------------------------------------------------------------------------


class Campaign(NamedTuple):
    key: str
    base: int  # copies at size 5,000
    subject: str  # spintax for how the letter names its subject
    target: str  # spintax for the body addressed
    salutations: str
    sentences: tuple[str, ...]
    skeletons: tuple[tuple[int, ...], ...]


CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign(
        "boston_face_ban_yes",
        1050,
        "the ban on face surveillance|Boston's face surveillance ban|the ordinance banning face "
        "surveillance|the proposed face surveillance ordinance|this ban on government face "
        "surveillance|the face surveillance {ordinance|ban} before {you|the Council}|"
        "the {Wu|Arroyo}-{Edwards|Wu} ordinance",
        "the City Council|the Council|Boston's councilors|this body|our councilors",
        "Dear Councilors,|Dear Members of the City Council,|To the Boston City Council:|"
        "Dear Council Members,|Hello Councilors,|To the members of the Council,",
        (
            "{I am writing|I'm writing|I write|I am reaching out|I wanted to write} {today|} "
            "{to urge @T to|to ask @T to|to request that @T|because I want @T to} "
            "{support|pass|vote for|approve|adopt} @S.",
            "{Face surveillance|Facial recognition|Face recognition {technology|software}|This "
            "technology} {is|has proven {to be|}|has been shown to be} {dangerously inaccurate|"
            "deeply flawed|unreliable|biased and error-prone|racially biased}, {especially|"
            "particularly|above all|most of all} {for|when it comes to|in identifying} {people "
            "of color|Black residents|women and people with darker skin|communities of color}.",
            "{{No one|Nobody|Not a single resident|None of us} should {be tracked|have to be "
            "watched|be identified and followed|be monitored} by {the government|city agencies|"
            "the police|{Boston|city} officials} {simply|just|merely|only} for {walking down the "
            "street|going to a protest|attending {church|worship|a rally}|living {their|our} "
            "{daily|everyday} lives}.|{Our|My|Every resident's} {faces|face|movements} {should "
            "not|must not|cannot} {become|turn into|end up as} {a|an entry in a} {police|"
            "government|city} {database|file|record} {because|just because|simply because} "
            "{we|I|they} {went outside|left home|spoke up}.}",
            "{Other cities|Cities like San Francisco and Somerville|Our neighbors in Cambridge "
            "and Somerville|Communities across the country} have {already|recently|wisely} "
            "{banned|prohibited|outlawed|put a stop to} {this technology|government face "
            "surveillance|these systems|its use}, and {Boston should|our city must|Boston needs "
            "to|we ought to} {do the same|follow their lead|join them|act {now|too}}.",
            "@S {would protect|will safeguard|defends|keeps intact|preserves} {our civil "
            "liberties|the privacy of every resident|our right to move freely|{basic|"
            "fundamental} freedoms} {while|and at the same time} {still allowing|permitting|"
            "leaving room for} {real public safety work|legitimate {police|} investigations|"
            "good policing}.",
            "{Please|I urge you to|I respectfully ask that you|Kindly|So please} {vote yes on|"
            "pass|enact|support} @S {without delay|as soon as possible|this session|at {your|"
            "the} next meeting}.",
            "{Thank you|Thanks|Thank you for your time|I appreciate your consideration|"
            "With gratitude for your work}.",
        ),
        ((0, 1, 2, 3, 4, 5, 6), (0, 2, 1, 4, 3, 5, 6), (0, 1, 2, 4, 5, 6), (0, 3, 1, 2, 5)),
    ),
    Campaign(
        "s1385_moratorium_yes",
        560,
        "S.1385|S.1385 and H.1538|H.1538|the facial recognition moratorium|the moratorium "
        "bill {(S.1385/H.1538)|}|{this|the} bill to pause {government|} face surveillance|"
        "An Act establishing a moratorium on face recognition",
        "the Committee|the Joint Committee|members of the Committee|the Legislature|lawmakers",
        "Dear Chairs and Committee Members,|Dear Members of the Joint Committee on the "
        "Judiciary,|To the Committee:|Dear Senator and Representative,|Dear Legislators,|"
        "Dear Chair {Eldridge|Cronin} and {committee|} members,",
        (
            "{As a|I am a|Being a} {resident|constituent|voter|taxpayer} {of|in|living in} "
            "{Massachusetts|the Commonwealth|this state}, {and I|I} {write|am writing|"
            "wish to write} {in support of|to support|to voice my support for|to back} @S.",
            "{Right now|Today|At present|Currently}, {there are no|we have no|the state has no} "
            "{rules|laws|guardrails|limits} {on|governing|restricting} {how|when} {police|"
            "state agencies|law enforcement|government} {use|can use|deploy} {face "
            "recognition|facial recognition|this surveillance technology}.",
            "{The|A} {Registry of Motor Vehicles|RMV} {has|already} {run|conducted|processed} "
            "{thousands of|hundreds of|countless} {face|facial} {searches|scans|recognition "
            "requests} {for police|on behalf of {police|law enforcement}} {without|with no} "
            "{warrant|court order|judicial oversight|public knowledge}.",
            "@S would {press pause|put a pause|place a moratorium|hit the brakes} on {this|"
            "that} {technology|practice|surveillance} {until|so that|while} {the Legislature|"
            "lawmakers|we} {can|could} {put|write|enact} {real|meaningful|strong} {protections|"
            "safeguards|rules} {in place|into law|}.",
            "{{Our|My} {privacy|civil rights|right to anonymity|freedom to assemble} {should "
            "not|must not|cannot} {depend on|hinge on|be left to} the {policies of|whims of|"
            "choices of} {individual|local} {departments|agencies|police chiefs}.|{A patchwork|"
            "A hodgepodge|A mix} of {local|town-by-town|department} {policies|rules} {is not|"
            "cannot be|will never be} {enough|a substitute for state law|real protection} "
            "{for|to protect} {our|residents'} {rights|privacy|freedoms}.}",
            "{Please|I urge you to|I ask that you|I respectfully request that you} {report|"
            "move|advance|send} @S {favorably|out of committee|forward} {this session|"
            "before the {reporting|} deadline|{quickly|promptly}}. {Thank you.|Thank you for "
            "your attention.|Thanks for listening.|Respectfully.|}",
        ),
        ((0, 1, 2, 3, 4, 5), (0, 2, 1, 3, 5), (0, 1, 3, 4, 5)),
    ),
    Campaign(
        "video_analytics_no",
        280,
        "the video analytics purchase|the BriefCam {contract|purchase}|the proposed video "
        "analytics {software|system}|this {surveillance|software} contract|the department's "
        "request to buy video analytics {software|}|the {$|}{490,000|half-million dollar} "
        "{analytics|BriefCam} contract",
        "the Council|the City Council|councilors|you|the Public Safety Committee",
        "Dear Councilors,|To the City Council:|Dear Public Safety Committee,|Dear Council "
        "Members,|To whom it may concern,",
        (
            "{I {oppose|object to|am against}|We {oppose|object to|are against}|{I|We} "
            "{urge you to reject|ask you to vote down}} @S.",
            "{This|The} software {lets|would let|allows|enables} {police|the department|"
            "officers|the Police Department} {to|} {search|scan|sift through|comb} {hours|"
            "weeks|months} of {camera|video|CCTV} footage {for|by} {faces|clothing|"
            "a person's appearance|gender and race} {in minutes|in seconds|almost instantly}.",
            "{{It was|The request was|This was} {never|not} {discussed|reviewed|vetted|"
            "debated} {with|by|in front of} {the public|residents|the neighborhoods it "
            "affects} {before|prior to} {it landed|being placed|arriving} on {the|your} "
            "{agenda|docket}.|{Residents|The public|Neighbors} {had|were given|got} {no|"
            "little|almost no} {chance|opportunity|notice} to {weigh in|comment|ask "
            "questions} {before|until} {this|the contract|the item} {showed up|appeared} "
            "{on the agenda|for a vote}.}",
            "{The|That} {money|$490,000|funding|budget} {would be|could be|is} {better spent|"
            "put to better use|more useful} on {youth jobs|mental health responders|"
            "{after-school|summer} programs|housing {help|assistance}}.",
            "{There is|We have|I see} {no|not one} {policy|rule|written limit} on {how long|"
            "how} {the footage|the data|these results} {will be|are|would be} {kept|stored|"
            "retained|shared}, or {who|which agencies} {can|may|will} {see|access|query} "
            "{it|them}.",
            "{Please|I ask you to|Kindly|I urge you to} {reject|vote no on|table|deny} @S "
            "{and|, and} {hold|schedule|require} {a|an open|a full} {public hearing|community "
            "meeting|public process} {first|before any vote|on surveillance purchases}.",
        ),
        ((0, 1, 2, 3, 4, 5), (0, 1, 3, 2, 5), (0, 2, 1, 4, 5), (0, 1, 4, 5)),
    ),
    Campaign(
        "s1385_moratorium_no",
        30,
        "S.1385|this moratorium|the proposed moratorium|the moratorium on facial recognition|"
        "{S.1385/H.1538|H.1538} as {written|filed}",
        "the Committee|lawmakers|the Legislature",
        "Dear Committee Members,|To the Joint Committee:|Dear Legislators,",
        (
            "{On behalf of|Representing|Speaking for} {our|my} {business|company|firm|"
            "employees}, {I|we} {oppose|have concerns about|cannot support|ask you to reject} "
            "@S.",
            "{Facial recognition|Face matching|This technology} {helps|has helped|can help} "
            "{find|locate|identify} {missing children|trafficking victims|violent suspects|"
            "people with dementia who wander}.",
            "{A blanket|A total|An across-the-board|A sweeping} {ban|moratorium|pause} {would "
            "tie|ties|would hamstring} {the hands of|} {investigators|detectives|law "
            "enforcement} {for years|indefinitely|with no end date}.",
            "{Instead|Rather|A better path}, {the Legislature|lawmakers|you} {should|could} "
            "{set|adopt|write} {clear|sensible|reasonable} {standards|rules|guidelines} for "
            "{accuracy|use and audit|training and oversight}.",
            "{Thank you|Thanks|We appreciate your time|Respectfully submitted}.",
        ),
        ((0, 1, 2, 3, 4), (0, 2, 1, 3, 4), (0, 2, 3, 4)),
    ),
    Campaign(
        "video_analytics_yes",
        12,
        "the video analytics purchase|the BriefCam contract|this software purchase|the "
        "department's request",
        "the Council|councilors|the committee",
        "Dear Councilors,|To the Council:|Hello,",
        (
            "{I|We} {support|back|urge approval of|ask you to approve} @S.",
            "{Detectives|Investigators|Officers} {spend|waste|lose} {days|weeks|countless "
            "hours} {watching|reviewing|scrolling through} {video|footage|camera recordings} "
            "{by hand|manually|one frame at a time}.",
            "{This tool|The software|It} {would|will|could} {close|solve|speed up} {cases|"
            "investigations|shootings} {faster|sooner|more quickly} {and|, and} {bring|give} "
            "{answers|closure|justice} to {victims|families|our neighborhoods}.",
            "{Please|Kindly|I ask you to} {vote yes|approve it|pass it} {quickly|soon|this month}.",
        ),
        ((0, 1, 2, 3), (0, 2, 1, 3)),
    ),
    Campaign(
        "boston_face_ban_no",
        24,
        "the face surveillance ban|this ordinance|the proposed ban|the ban on facial "
        "recognition|the ordinance before you",
        "the Council|councilors|you",
        "Dear Councilors,|To the City Council:|Councilors,",
        (
            "{I|We} {am writing|write|want to be heard} {to oppose|against|in opposition to} @S.",
            "{Boston|Our city|The city} {needs|should keep|must not give up} {every|all the|"
            "modern} {tool|tools|technology} {that could|to} {help|assist} {solve|clear|"
            "investigate} {crimes|shootings|homicides}.",
            "@S {goes too far|is an overreaction|is premature} {and|;} {a|one} {narrow|"
            "careful|limited} {policy|set of rules|use policy} {would|could} {address|answer|"
            "handle} {the|any} {concerns|worries|fears} {about bias|about accuracy|people "
            "raise}.",
            "{Please|I urge you to|Kindly} {vote no|reject it|oppose it}.",
        ),
        ((0, 1, 2, 3), (0, 2, 1, 3), (0, 2, 3)),
    ),
    Campaign(
        "corridor_rezoning_yes",
        250,
        "the Elm Street corridor rezoning|the proposed rezoning|the corridor zoning "
        "{amendment|change|update}|Article {12|Twelve}|the rezoning of Elm Street|this "
        "zoning {proposal|amendment}",
        "the Planning Board|the Board|Town Meeting|the City Council",
        "Dear Planning Board Members,|To the Planning Board:|Dear Board Members,|Dear "
        "Chair and Members,|Hello,",
        (
            "{I|As a resident, I} {strongly|wholeheartedly|fully|} {support|endorse|back|"
            "urge you to adopt} @S.",
            "{Our|This|The} {town|city|community} {faces|is in|has} a {severe|serious|"
            "worsening|painful} {housing shortage|housing crisis|lack of homes|shortage of "
            "{apartments|homes}}, and {rents|prices|costs} {keep {climbing|rising|going up}|"
            "continue to {climb|rise|go up}}.",
            "{Allowing|Permitting|Legalizing} {apartments|multifamily housing|three-deckers|"
            "{small|modest} apartment buildings} {near|along|close to} {transit|the bus line|"
            "Main Street shops} {lets|allows|helps} {young families|seniors|teachers and "
            "nurses|{workers|people} who work here} {to|} {stay|live|afford to live} {in town|"
            "here|in our community}.",
            "{{More|Additional|New} {neighbors|residents|homes} {also|} {support|help|bring "
            "customers to} {our|local} {small businesses|shops|restaurants} and {widen|"
            "grow|strengthen} {the tax base|our tax base|town revenue}.|{Downtown|Main "
            "Street|Our business district} {needs|could use|would benefit from} {more|new} "
            "{foot traffic|customers|people living nearby}, {and|which is what} @S {would "
            "bring|delivers|makes possible}.}",
            "{Please|I urge you to|I ask the Board to|Kindly} {vote yes on|recommend approval of|"
            "approve|adopt} @S {without|with no} {watering it down|further delay|"
            "{weakening|crippling} amendments}.",
        ),
        ((0, 1, 2, 3, 4), (0, 2, 1, 3, 4), (0, 1, 2, 4)),
    ),
    Campaign(
        "main_street_bike_lane_no",
        110,
        "the Main Street bike lane|the protected bike lane|the proposed bike lanes|this "
        "bike lane {plan|project}|the {lane|road} redesign on Main Street|the plan to "
        "remove parking for bikes",
        "the Traffic Commission|the Commission|the city|the Council",
        "Dear Commissioners,|To the Traffic Commission:|Dear Commission Members,|Hello,|"
        "To whom it may concern,",
        (
            "{I {oppose|object to|am against}|We {oppose|object to|are against}|{I|We} cannot "
            "support} @S.",
            "{It|This plan|The design} {would|will} {remove|eliminate|take away|wipe out} "
            "{over|more than|nearly} {sixty|60|seventy} {parking spaces|spots|curbside spaces} "
            "{in front of|along|outside} {the|our} {shops|businesses|storefronts}.",
            "{Customers|Older shoppers|Delivery drivers|Seniors and the disabled} {need|rely "
            "on|depend on} {that|this} {parking|curb access|loading space} {every day|daily|"
            "to get around}.",
            "{Traffic|Congestion|Backups} {on|along} {Main Street|the corridor} {is|are|"
            "will be} {already|} {bad|terrible|heavy} {enough|as it is|}, and {narrowing|"
            "shrinking|squeezing} {the road|it|the lanes} {will|would} {make it worse|only "
            "add to it|push cars onto side streets}.",
            "{Please|Kindly|I urge you to} {reject|vote down|shelve|reconsider} @S.",
        ),
        ((0, 1, 2, 3, 4), (0, 3, 1, 2, 4), (0, 1, 3, 4)),
    ),
    Campaign(
        "riverbend_pipeline_no",
        90,
        "the Riverbend pipeline permit|the {pipeline|wetlands} permit|the permit for the "
        "Riverbend {gas|} pipeline|this {gas pipeline|pipeline} {application|proposal}|"
        "{Permit|Application} {No. |}{2024-117|WP-117}",
        "the Department|DEP|the Commission|the agency",
        "Dear Commissioner,|To the Department of Environmental Protection:|Dear DEP staff,|"
        "To the permitting officer:|Hello,",
        (
            "{I|We} {urge|ask|call on} @T to {deny|reject|refuse} @S.",
            "{The|This} pipeline {would|will} {cross|cut through|run under} {the|} {Riverbend|"
            "Mill River} {wetlands|marsh|floodplain} {and|,} {threaten|endanger|put at risk} "
            "{the|our} {drinking water|aquifer|town wells}.",
            "{Methane|Gas} {leaks|emissions} {from|along} {pipelines|such lines} {warm|heat} "
            "{the|our} {climate|planet} {far more|much faster|many times more} {than|compared "
            "to} {carbon dioxide|CO2}.",
            "{The state|Massachusetts|Our Commonwealth} {has|made} {a legal|a binding|} "
            "{commitment|obligation|mandate} to {reach|hit|achieve} {net zero|net-zero "
            "emissions} {by 2050|within a generation}, and {new|more} {gas|fossil fuel} "
            "{infrastructure|pipelines} {undermines|contradicts|works against} {it|that goal}.",
            "{Please|I urge you to|Kindly} {deny|reject} @S {and|,} {protect|safeguard} "
            "{our|the} {water|wetlands|community}.",
        ),
        ((0, 1, 2, 3, 4), (0, 1, 3, 2, 4), (0, 2, 1, 4)),
    ),
    Campaign(
        "later_school_start_yes",
        38,
        "later school start times|the later start {proposal|plan}|the 8:30 start|"
        "{moving|pushing} {high school|the} start times later|the bell schedule change",
        "the School Committee|the Committee|the district",
        "Dear School Committee,|Dear Committee Members,|To the School Committee:|Hello,",
        (
            "{I|As a parent, I} {support|strongly support|urge you to adopt} @S.",
            "{Teenagers|Teens|Adolescents|High schoolers} {are|are biologically} {wired|"
            "built|programmed} to {fall asleep|sleep} {later|late|after eleven}, and "
            "{7:15|early} {starts|bells} {leave|keep} them {chronically|constantly|"
            "dangerously} {tired|exhausted|sleep-deprived}.",
            "{Districts|Schools|Communities} {that|which} {moved|shifted|changed} {their|"
            "the} {start|bell} {times|schedule} {saw|reported|found} {better|higher|improved} "
            "{grades|attendance|test scores} and {fewer|less} {car crashes|absences|sick "
            "days}.",
            "{Please|Kindly|I ask you to} {approve|vote for|adopt} @S {for next year|"
            "this fall|starting in September}.",
        ),
        ((0, 1, 2, 3), (0, 2, 1, 3)),
    ),
    Campaign(
        "main_street_bike_lane_yes",
        20,
        "the Main Street bike lane|the protected bike lane|the redesign|this safety project",
        "the Commission|the city|you",
        "Dear Commissioners,|To the Traffic Commission:|Hi,",
        (
            "{I|We} {support|strongly support|back} @S.",
            "{Riding|Biking|Cycling} on Main Street {is|feels} {terrifying|dangerous|unsafe} "
            "{today|right now|with no protection}, {and|so} {my|our} {kids|family} {can't|"
            "won't} {ride|bike} {to school|downtown}.",
            "{Protected|Separated} {lanes|bike lanes} {reduce|cut} {crashes|injuries} for "
            "{everyone|drivers and walkers too|all road users}.",
            "{Please|Kindly} {build it|approve it|move it forward} {this year|soon|now}.",
        ),
        ((0, 1, 2, 3), (0, 2, 1, 3)),
    ),
    Campaign(
        "short_term_rental_cap_yes",
        8,
        "the short-term rental cap|the cap on short-term rentals|the Airbnb ordinance|"
        "this rental ordinance",
        "the Council|councilors|you",
        "Dear Councilors,|To the Council:|Hello,",
        (
            "{I|We} {support|back|urge passage of} @S.",
            "{Investors|Out-of-town buyers|Speculators} {have|are} {turned|turning|"
            "converting} {whole|entire} {buildings|triple-deckers|homes} {into|to} {hotels|"
            "Airbnbs|short-term units} on {my|our} {street|block}.",
            "{Please|Kindly} {pass|adopt|approve} @S {and|to} {keep|return} {homes|housing} "
            "{for|to} {residents|neighbors|families}.",
        ),
        ((0, 1, 2), (0, 2, 1)),
    ),
)

SURVEILLANCE = {
    "boston_face_ban_yes",
    "s1385_moratorium_yes",
    "video_analytics_no",
    "s1385_moratorium_no",
    "video_analytics_yes",
    "boston_face_ban_no",
}

# Touches a sender adds to a spun or form letter.
PERSONAL = (
    "I have lived in {town} for {years} years.",
    "My family has been in {town} since {year}.",
    "I work as {job} on {street}.",
    "{rel} and I talked about this over dinner last week.",
    "This matters to me as a parent of {kids}.",
    "I am {job} and see the effects every day.",
    "I grew up on {street} and still live nearby.",
    "{rel} asked me to write too.",
)
SIGNOFFS = ("Sincerely,", "Best,", "Regards,", "Thank you,", "Respectfully,", "—", "Best wishes,")


def _typos(text: str, rng: random.Random, count: int) -> str:
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    for i in rng.sample(spots, min(count, len(spots))):
        w = words[i]
        j = rng.randrange(1, len(w) - 1)
        swapped = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        dropped = w[:j] + w[j + 1 :]
        words[i] = swapped if rng.random() < 0.5 else dropped
    return " ".join(words)


def _personal(rng: random.Random) -> str:
    return _tidy(rng.choice(PERSONAL).format(**_details(rng)))


def _touch(body: str, rng: random.Random, salutations: str | None) -> str:
    """A sender's light hand: salutation, a personal sentence, typos, a signature."""
    if rng.random() < 0.2:
        extra = _personal(rng)
        body = extra + " " + body if rng.random() < 0.4 else body + " " + extra
    if rng.random() < 0.15:
        body = _typos(body, rng, rng.randint(1, 3))
    if salutations is not None and rng.random() < 0.7:
        body = spin("{" + salutations + "}", rng) + "\n\n" + body
    if rng.random() < 0.35:
        d = _details(rng)
        sign = rng.choice(SIGNOFFS)
        body += f"\n\n{sign}\n{d['name']}" + (f", {d['town']}" if rng.random() < 0.7 else "")
    return body


def spun_letter(campaign: Campaign, rng: random.Random, skeleton: int | None = None) -> str:
    """One copy of a campaign: a skeleton, every sentence spun, sometimes touched."""
    if skeleton is None:
        skeleton = rng.choices(
            range(len(campaign.skeletons)), weights=[6, 3, 2, 1][: len(campaign.skeletons)]
        )[0]
    macros = {"S": campaign.subject, "T": campaign.target}
    sentences = [spin(campaign.sentences[i], rng, macros) for i in campaign.skeletons[skeleton]]
    return _touch(" ".join(sentences), rng, campaign.salutations)


def campaign_sentence(campaign: Campaign, rng: random.Random) -> str:
    """One spun sentence of a campaign (for letters that quote it)."""
    macros = {"S": campaign.subject, "T": campaign.target}
    return spin(rng.choice(campaign.sentences[:-1]), rng, macros)


# --- form letters -----------------------------------------------------------------------------

FORMS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        150,
        (
            "I am writing in support of the Community Control Over Police Surveillance ordinance.",
            "Every new surveillance technology the city buys should first be approved by the "
            "Council after a public hearing.",
            "Residents deserve to know what tools are being used in their neighborhoods, what "
            "data they collect, and who can see it.",
            "An annual report on each technology would let us judge whether it is worth the cost.",
            "Please pass this ordinance so that decisions about surveillance are made in the open.",
        ),
    ),
    (
        120,
        (
            "As a member of the Greenway Neighbors Association I ask the Board to deny the "
            "special permit for the proposed parking garage at 40 Canal Street.",
            "The garage would bring hundreds of additional cars onto streets where children "
            "walk to the Hale School.",
            "It would also cast a shadow over the community garden for most of the afternoon "
            "from October through March.",
            "We would welcome housing or a small park on this parcel instead.",
            "Thank you for considering the views of the people who live here.",
        ),
    ),
    (
        100,
        (
            "I oppose the proposed fare increase on the commuter rail and bus routes.",
            "Many riders in my community have no other way to reach their jobs, clinics and "
            "schools.",
            "A ten percent increase falls hardest on low-income riders who already spend a "
            "large share of their income on transportation.",
            "The authority should look for savings in its capital program before asking riders "
            "to pay more.",
            "Please keep fares where they are for at least another year.",
        ),
    ),
    (
        80,
        (
            "Please fund the public library branch hours in next year's budget.",
            "The Eastside branch is the only place in the neighborhood with free internet, "
            "homework help and a warm room in winter.",
            "Cutting Saturday hours would hurt working families the most.",
            "Libraries return far more to the community than they cost.",
            "I ask the Council to restore full hours at every branch.",
        ),
    ),
    (
        50,
        (
            "I support the proposal to require body cameras for all patrol officers, with "
            "strict rules on when footage is released.",
            "Footage should be available to people who file complaints and to their lawyers.",
            "Officers should not be able to review footage before writing their reports.",
            "The policy should be reviewed by an independent board every two years.",
        ),
    ),
)


def form_letter(sentences: tuple[str, ...], rng: random.Random) -> str:
    kept = list(sentences)
    if rng.random() < 0.25 and len(kept) > 3:
        kept.pop(rng.randrange(1, len(kept)))
    body = " ".join(kept)
    if rng.random() < 0.3:
        first, second = rng.sample(PERSONAL, 2)
        d = _details(rng)
        paragraph = _tidy(first.format(**d)) + " " + _tidy(second.format(**d))
        body = paragraph + "\n\n" + body if rng.random() < 0.5 else body + "\n\n" + paragraph
    if rng.random() < 0.2:
        body = _typos(body, rng, rng.randint(1, 3))
    if rng.random() < 0.4:
        d = _details(rng)
        body += f"\n\n{rng.choice(SIGNOFFS)}\n{d['name']}, {d['town']}"
    return body


# --- residents' own letters (hard negatives and pairs) ----------------------------------------


class Topic(NamedTuple):
    key: str
    measures: tuple[str, ...]  # how residents name the measure
    terms: tuple[str, ...]  # the talking points' key terms
    own: tuple[str, ...]  # residents' own sentences on the topic (with {slots})
    menu: tuple[str, ...]  # an advocacy page's sample sentences, used verbatim
    campaigns: tuple[str, ...]  # the campaigns on this topic
    short: tuple[str, ...]  # one-line comments


TOPICS: tuple[Topic, ...] = (
    Topic(
        "face_surveillance",
        (
            "the face surveillance ban",
            "the ordinance banning face surveillance",
            "Boston's face surveillance ordinance",
            "the facial recognition ban",
        ),
        (
            "face surveillance",
            "facial recognition",
            "people of color",
            "civil liberties",
            "misidentification",
            "the right to protest",
            "privacy",
            "false matches",
        ),
        (
            "When I marched on {street} in {year} I never imagined a camera could log my face.",
            "{rel} was stopped once because an officer thought he looked like someone else.",
            "I read that the algorithms misidentify darker faces far more often, and as a Black "
            "resident that scares me.",
            "I am not against the police; {rel} has served for {years} years, but this tool is "
            "different.",
            "Our church on {street} hosts immigrant families who already fear being watched.",
            "I would rather the city spend money on streetlights than on cameras that guess who "
            "we are.",
            "Surveillance does not stop at the people it was bought for; it spreads.",
            "I want my kids to grow up able to walk to {street} without being catalogued.",
            "A ban is simple and easy to enforce, unlike a policy full of exceptions.",
            "I have been to {n} protests in my life and I want to keep going without fear.",
        ),
        (
            "Face surveillance is a uniquely dangerous technology that threatens our right to "
            "privacy.",
            "Studies show facial recognition misidentifies Black women at far higher rates.",
            "Boston should join Somerville, Cambridge and Brookline in banning government face "
            "surveillance.",
            "A ban protects residents who attend protests, places of worship and clinics.",
            "Once this infrastructure is built it is very hard to take down.",
            "Police can still investigate crimes without scanning every face in a crowd.",
        ),
        ("boston_face_ban_yes", "boston_face_ban_no"),
        (
            "I support the ban.",
            "Ban face surveillance in Boston, please.",
            "Yes to the ordinance, no to face scanning.",
            "Please vote no on the ban; police need tools.",
            "Face recognition has no place on our streets.",
            "Count me as a Roxbury resident in favor.",
            "Pass it. Facial recognition is too error prone.",
            "I oppose this ban as written.",
        ),
    ),
    Topic(
        "state_moratorium",
        (
            "S.1385",
            "H.1538",
            "the moratorium bill",
            "S.1385/H.1538",
            "the facial recognition moratorium",
        ),
        (
            "moratorium",
            "the RMV",
            "warrant",
            "facial recognition",
            "due process",
            "law enforcement",
            "oversight",
        ),
        (
            "I learned from a news story that the RMV scanned license photos for police {n} "
            "times a day.",
            "My driver's license photo was taken in {year} and no one asked whether it could be "
            "searched.",
            "As {job}, I believe searches like this should require a warrant.",
            "{rel} works in tech and says these systems are trained on biased data.",
            "A pause gives the commission time to study what safeguards work.",
            "I testified at the State House in {year} on a different bill and the same concerns "
            "came up.",
            "Defense attorneys are not even told when a face search led to an arrest.",
            "I support law enforcement, but due process has to come first.",
            "The Commonwealth should lead here instead of waiting for Washington.",
            "A moratorium is not forever, only until the rules are written.",
        ),
        (
            "Massachusetts has no law regulating government use of face recognition.",
            "The RMV has performed face recognition searches for police without any court "
            "oversight.",
            "A moratorium would pause the use of this technology until safeguards are in place.",
            "People charged with crimes must be told when face recognition was used against them.",
            "Technology should not outpace our civil rights.",
        ),
        ("s1385_moratorium_yes", "s1385_moratorium_no"),
        (
            "Please pass S.1385.",
            "I support H.1538 and the moratorium.",
            "Report S.1385 out favorably.",
            "No moratorium, it would hurt investigations.",
            "Yes on the facial recognition pause!",
            "Moratorium now, rules later.",
        ),
    ),
    Topic(
        "video_analytics",
        (
            "the BriefCam purchase",
            "the video analytics contract",
            "the police department's video analytics software",
            "the $490,000 analytics contract",
        ),
        (
            "video analytics",
            "BriefCam",
            "footage",
            "public hearing",
            "surveillance",
            "$490,000",
            "data retention",
        ),
        (
            "I watched the Public Safety Committee meeting on local cable and no one explained "
            "what the software does.",
            "There are already {n} cameras within a few blocks of my home on {street}.",
            "As {job}, I know how much $490,000 could do for after-school programs.",
            "I asked the department for its retention policy and never heard back.",
            "{rel} lost a car to a break-in and the cameras did not help then either.",
            "The vendor's own website brags about searching by clothing color and gender.",
            "I would support cameras at dangerous intersections, not this kind of tracking.",
            "The council should adopt a surveillance oversight ordinance before buying more.",
            "Footage sharing with federal agencies worries many of my neighbors.",
        ),
        (
            "Surveillance technology should never be purchased without a public hearing.",
            "Video analytics turns every camera into a tracking device.",
            "The city has not published any policy on how long footage is kept.",
            "Public money should go to programs that prevent violence, not to surveillance.",
            "Residents deserve a say before police buy powerful new software.",
        ),
        ("video_analytics_no", "video_analytics_yes"),
        (
            "Reject the BriefCam contract.",
            "Vote no on the video analytics money.",
            "I back the police software purchase.",
            "Hold a hearing first, then decide on video analytics.",
            "$490,000 for spy software? No thanks.",
        ),
    ),
    Topic(
        "rezoning",
        (
            "the Elm Street rezoning",
            "Article 12",
            "the corridor zoning amendment",
            "the proposed multifamily zoning",
        ),
        (
            "housing shortage",
            "multifamily",
            "rents",
            "transit",
            "small businesses",
            "density",
            "affordable",
            "parking",
        ),
        (
            "My rent on {street} went up by {n} percent this year.",
            "I am {job} and I cannot afford to buy in the town where I work.",
            "{rel} moved away in {year} because there was nothing to rent nearby.",
            "I worry about school crowding, but the enrollment numbers have actually fallen.",
            "The old mill building on {street} would make a fine apartment block.",
            "I have owned my house for {years} years and I welcome new neighbors.",
            "Height limits of four stories seem reasonable to me.",
            "We need more parking requirements, not fewer, if this passes.",
            "The shops downtown have {n} empty storefronts that more residents could fill.",
            "I am worried about traffic on {street} if hundreds of units are added.",
        ),
        (
            "Our region needs more homes near transit to bring down housing costs.",
            "Multifamily zoning lets teachers, nurses and young families live where they work.",
            "Apartments near Main Street will bring customers to local businesses.",
            "Exclusionary zoning has kept our town segregated for decades.",
            "Small apartment buildings fit the historic character of our neighborhoods.",
        ),
        ("corridor_rezoning_yes",),
        (
            "Yes on Article 12.",
            "Please approve the Elm Street rezoning.",
            "Too dense. Vote it down.",
            "More homes near the train, please.",
            "I oppose the corridor rezoning.",
        ),
    ),
    Topic(
        "bike_lane",
        (
            "the Main Street bike lane",
            "the protected bike lane",
            "the Main Street redesign",
        ),
        (
            "bike lane",
            "parking",
            "traffic",
            "businesses",
            "safety",
            "protected",
            "Main Street",
        ),
        (
            "I own the bakery at {n} Main Street and half my customers drive in.",
            "{rel} was hit by a car door while biking near {street} in {year}.",
            "I bike to my job as {job} every day from {town}.",
            "The loading zone in front of my shop is used by {n} deliveries a week.",
            "Could the lane go on {street} instead, where there are fewer storefronts?",
            "I am 78 and I cannot walk far from where I park.",
            "Cities that built protected lanes saw retail sales go up, not down.",
            "My kids would ride to school if the road felt safe.",
            "The public meeting in {year} was held at a time when working people could not attend.",
        ),
        (
            "Protected bike lanes save lives.",
            "Main Street should be safe for people of all ages and abilities.",
            "Most shoppers on Main Street arrive on foot, by bike or by bus.",
            "Removing parking will hurt the small businesses that make Main Street special.",
        ),
        ("main_street_bike_lane_no", "main_street_bike_lane_yes"),
        (
            "Build the bike lane.",
            "Keep the parking on Main Street.",
            "Protected lanes now!",
            "No to the bike lane, yes to parking.",
            "I ride Main Street daily; please make it safe.",
        ),
    ),
    Topic(
        "pipeline",
        (
            "the Riverbend pipeline permit",
            "the wetlands permit for the pipeline",
            "Permit No. 2024-117",
        ),
        (
            "pipeline",
            "wetlands",
            "drinking water",
            "methane",
            "net zero",
            "climate",
            "aquifer",
        ),
        (
            "Our well on {street} draws from the same aquifer the pipeline would cross.",
            "I have fished the Mill River with {rel} since {year}.",
            "I work as {job} and my job depends on affordable energy.",
            "The compressor station in Weymouth taught us what these companies promise.",
            "The company's spill record includes {n} incidents in the last decade.",
            "I am not opposed to gas, but this route is the wrong one.",
            "Heat pumps in my house cut my bills by {n} percent.",
            "The public comment period was too short for people to read the filings.",
        ),
        (
            "New gas pipelines lock us into decades of fossil fuel use.",
            "Methane is a far more powerful greenhouse gas than carbon dioxide.",
            "The wetlands along the river protect our towns from flooding.",
            "The state must follow its own climate law.",
        ),
        ("riverbend_pipeline_no",),
        (
            "Deny the pipeline permit.",
            "Protect the Riverbend wetlands.",
            "Approve the pipeline; we need the gas.",
            "No new gas, period.",
        ),
    ),
    Topic(
        "school_start",
        (
            "the later start time proposal",
            "the 8:30 start",
            "the new bell schedule",
        ),
        (
            "start times",
            "sleep",
            "teenagers",
            "bus schedule",
            "after-school",
            "attendance",
        ),
        (
            "My son catches the bus at 6:40 and falls asleep in first period.",
            "A later start would wreck my daughter's after-school job at {street} Market.",
            "I coach {n} athletes and practices would end after dark.",
            "As {job}, I see tired teenagers every morning.",
            "Younger kids would have to start earlier; that is not fair to them.",
            "The pediatricians' association recommends 8:30 or later.",
            "I am {job} and my shift starts at 7, so who watches my younger kids?",
        ),
        (
            "Teens need eight to ten hours of sleep.",
            "Later start times improve attendance and graduation rates.",
            "Sleep-deprived teen drivers are more likely to crash.",
        ),
        ("later_school_start_yes",),
        (
            "Later start, please.",
            "Keep the current bell schedule.",
            "8:30 is still too early!",
            "Support the later start time.",
        ),
    ),
)

GENERIC_OWN = (
    "I am {job} living on {street} in {town}.",
    "I have been a resident of {town} for {years} years.",
    "I am writing for myself, not for any group.",
    "I was not able to attend the hearing because of my shift.",
    "I read the draft and have a few thoughts on {measure}.",
    "My concern about {measure} is mostly about {term}.",
    "I keep hearing about {term} and {term2}, and I want to add my own view.",
    "{rel} and I disagree about {measure}, which is why I took time to write.",
    "I followed the debate over {term} since {year}.",
    "Please read this as the view of one {town} resident.",
    "I hope the members will think about {term} before voting on {measure}.",
    "Thank you for holding this hearing.",
    "I appreciate the work that went into {measure}.",
    "Whatever you decide on {measure}, please explain your reasons publicly.",
)

STANCES = (
    "I support {measure}.",
    "I oppose {measure}.",
    "I have mixed feelings about {measure}.",
    "I lean toward supporting {measure}.",
    "I am against {measure} as drafted.",
    "I am writing in favor of {measure}.",
    "I would support {measure} with amendments.",
)


def _fill(template: str, topic: Topic, rng: random.Random, measure: str | None = None) -> str:
    d = _details(rng)
    t1, t2 = rng.sample(topic.terms, 2)
    return _tidy(
        template.format(measure=measure or rng.choice(topic.measures), term=t1, term2=t2, **d)
    )


def _own_letter(
    topic: Topic, rng: random.Random, measure: str | None = None, own_count: int | None = None
) -> list[str]:
    """A resident's own sentences on a topic: a stance, some specifics, some generic."""
    stance = _fill(rng.choice(STANCES), topic, rng, measure)
    n_own = own_count or rng.randint(2, 4)
    specifics = [_fill(s, topic, rng, measure) for s in rng.sample(topic.own, n_own)]
    generic = [_fill(s, topic, rng, measure) for s in rng.sample(GENERIC_OWN, rng.randint(1, 3))]
    body = specifics + generic
    rng.shuffle(body)
    return [stance, *body] if rng.random() < 0.7 else [*body, stance]


def _sign(text: str, rng: random.Random) -> str:
    if rng.random() < 0.4:
        d = _details(rng)
        return text + f"\n\n{rng.choice(SIGNOFFS)}\n{d['name']}, {d['town']}"
    return text


def hard_negative(rng: random.Random, by_key: dict[str, Campaign]) -> tuple[str, str, str]:
    """One letter that must stay alone, its sub-kind, and its body without salutation or
    signature (what must differ from every other letter's)."""
    topic = rng.choices(TOPICS, weights=[5, 4, 3, 3, 2, 2, 1])[0]
    style = rng.choices(["own", "quote", "menu", "short"], weights=[45, 15, 28, 12])[0]
    if style == "short":
        line = rng.choice(topic.short)
        if rng.random() < 0.6:
            line += " " + _fill(rng.choice(topic.own), topic, rng)
        core = line
        if rng.random() < 0.4:
            d = _details(rng)
            line += f" {d['name']}, {d['town']}"
        return line, style, core
    sentences = _own_letter(topic, rng, own_count=rng.randint(1, 3) if style != "own" else None)
    if style == "quote":
        campaign = by_key[rng.choice(topic.campaigns)]
        quoted = campaign_sentence(campaign, rng)
        lead = rng.choice(
            (
                'The letter going around says: "{q}" I agree with that much.',
                'A neighbor forwarded me this line: "{q}" Here is my own view.',
                '"{q}" That sentence from the petition is right, but there is more to say.',
                "{q}",
            )
        ).format(q=quoted)
        sentences.insert(rng.randrange(len(sentences) + 1), lead)
    elif style == "menu":
        picks = rng.sample(topic.menu, rng.randint(2, min(3, len(topic.menu))))
        for p in picks:
            sentences.insert(rng.randrange(len(sentences) + 1), p)
    core = " ".join(sentences)
    body = core
    if rng.random() < 0.4:
        body = rng.choice(("Hello,", "Dear members,", "To the committee:", "Good evening,")) + (
            "\n\n" + body
        )
    return _sign(body, rng), style, core


# Two hearings a resident may write to with the same letter, each naming its own measure.
HEARING_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("face_surveillance", "the face surveillance ban", "S.1385"),
    ("face_surveillance", "Boston's face surveillance ordinance", "H.1538"),
    ("state_moratorium", "S.1385", "the ordinance banning face surveillance"),
    ("video_analytics", "the BriefCam purchase", "the surveillance oversight ordinance"),
    ("rezoning", "Article 12", "the Elm Street rezoning"),
    ("rezoning", "the corridor zoning amendment", "the accessory dwelling bylaw"),
    ("bike_lane", "the Main Street bike lane", "the Centre Street road diet"),
    ("pipeline", "the Riverbend pipeline permit", "the Mill River water quality certificate"),
    ("school_start", "the later start time proposal", "the new bus contract"),
)


def own_two_hearings(rng: random.Random) -> tuple[str, str, str]:
    """The letter as sent to each hearing, and its body (naming the first measure)."""
    topic_key, first, second = rng.choice(HEARING_PAIRS)
    topic = next(t for t in TOPICS if t.key == topic_key)
    marker = "\x00MEASURE\x00"
    sentences = _own_letter(topic, rng, measure=marker)
    body = " ".join(sentences)
    if marker not in body:
        body = f"I am writing about {marker}. " + body
    d = _details(rng)
    signature = f"\n\n{rng.choice(SIGNOFFS)}\n{d['name']}, {d['town']}"
    one = body.replace(marker, first) + signature
    two = body.replace(marker, second) + signature
    if rng.random() < 0.5:
        two = rng.choice(("Dear Chairs,", "To the Committee:", "Dear Councilors,")) + "\n\n" + two
    return one, two, body.replace(marker, first)


# --- near copies ------------------------------------------------------------------------------


def trigrams(text: str) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    if len(words) < 3:
        return frozenset({tuple(words)})
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


class _Distinct:
    """Accepts texts whose word 3-grams overlap none already accepted beyond a limit."""

    def __init__(self, limit: float = 0.4):
        self.limit = limit
        self.index: dict[tuple[str, ...], list[int]] = {}
        self.sets: list[frozenset] = []

    def add(self, text: str) -> bool:
        grams = trigrams(text)
        shared: Counter[int] = Counter()
        for g in grams:
            for other in self.index.get(g, ()):
                shared[other] += 1
        for other, common in shared.items():
            union = len(grams) + len(self.sets[other]) - common
            if common / union > self.limit:
                return False
        number = len(self.sets)
        self.sets.append(grams)
        for g in grams:
            self.index.setdefault(g, []).append(number)
        return True


# --- the set ----------------------------------------------------------------------------------

SHARES = {"spun": 0.50, "form": 0.10, "own_two_hearings": 0.05}


def _campaign_sizes(total: int, size: int) -> list[int]:
    sizes = [max(5, round(c.base * size / 5000)) for c in CAMPAIGNS]
    sizes[0] += total - sum(sizes)
    return sizes


def build(size: int = 5000, seed: int = 0) -> list[Comment]:
    rng = random.Random(f"spun-holdout2/{size}/{seed}")
    corpus: list[Comment] = []

    spun_total = round(size * SHARES["spun"])
    for campaign, count in zip(CAMPAIGNS, _campaign_sizes(spun_total, size), strict=True):
        crng = random.Random(f"{rng.random()}/{campaign.key}")
        label = f"spun:{campaign.key}"
        for i in range(count):
            # every skeleton appears while the campaign is small
            skeleton = i if i < len(campaign.skeletons) else None
            corpus.append(Comment(spun_letter(campaign, crng, skeleton), label, "spun"))

    form_total = round(size * SHARES["form"])
    base = sum(n for n, _ in FORMS)
    counts = [max(3, round(n * form_total / base)) for n, _ in FORMS]
    counts[0] += form_total - sum(counts)
    for number, ((_, sentences), count) in enumerate(zip(FORMS, counts, strict=True)):
        for _ in range(count):
            corpus.append(Comment(form_letter(sentences, rng), f"form:{number}", "form"))

    distinct = _Distinct(0.4)
    pairs = round(size * SHARES["own_two_hearings"] / 2)
    made = 0
    while made < pairs:
        one, two, core = own_two_hearings(rng)
        if not distinct.add(core):
            continue
        label = f"pair:{made}"
        corpus.append(Comment(one, label, "own_two_hearings"))
        corpus.append(Comment(two, label, "own_two_hearings"))
        made += 1

    by_key = {c.key: c for c in CAMPAIGNS}
    alone = size - len(corpus)
    made = 0
    while made < alone:
        text, _style, core = hard_negative(rng, by_key)
        if not distinct.add(core):
            continue
        corpus.append(Comment(text, f"alone:{made}", "hard_negative"))
        made += 1

    rng.shuffle(corpus)
    return corpus


def describe(corpus: list[Comment]) -> None:
    """Campaign sizes, for the benchmark's header."""
    sizes = Counter(c.label for c in corpus if c.kind == "spun")
    print("  spun campaigns: " + ", ".join(f"{k[5:]} {n}" for k, n in sizes.most_common()))
    forms = Counter(c.label for c in corpus if c.kind == "form")
    print("  form letters: " + ", ".join(f"{k} {n}" for k, n in sorted(forms.items())))
