"""Bot campaigns for the spun dev set (bench/spun_corpus.py), written as spinning software is fed.

The topics are the demo hearings' (app/demo/hearings.py): Boston's ordinance banning face
surveillance (Docket #0683), the council's order for a hearing on the police's video analysis
software (Docket #0684), and the Massachusetts bill for a moratorium on face recognition
(H.1538 / S.1385, Joint Committee on the Judiciary). Each campaign keeps one sentence skeleton
in one order and spins nearly every phrase of every sentence, its name for its own subject,
salutation and sign-off included; each has two to four skeleton variants (a sentence added,
dropped or moved, another opening or closing, a sentence said with another construction).
Syntax: bench/spintax.py.
"""

from __future__ import annotations

from bench.spintax import Campaign

HOODS = (
    "{Allston|Back Bay|Brighton|Charlestown|Dorchester|East Boston|Hyde Park|Jamaica Plain|"
    "Mattapan|Roslindale|Roxbury|South Boston|the South End|West Roxbury|the North End}"
)
TOWNS = (
    "{Worcester|Springfield|Lowell|Cambridge|Somerville|Brockton|Quincy|Lynn|New Bedford|"
    "Fall River|Newton|Framingham|Pittsfield|Northampton|Salem|Amherst|Medford|Malden}"
)

# Shared by every campaign: where a sender lives (bots fill these from lists too).
COMMON = {"hood": HOODS, "town": TOWNS}


def _skeleton(plan: str) -> str:
    """A skeleton written as its sentences' names, "/" between paragraphs ("hello / ask why1
    / bye"), as a template."""
    paragraphs = [" ".join(f"[[{name}]]" for name in p.split()) for p in plan.split("/")]
    return "\n\n".join(paragraphs)


def _campaign(name: str, stance: str, skeletons, definitions: dict[str, str]) -> Campaign:
    plans = [(weight, _skeleton(plan)) for weight, plan in skeletons]
    return Campaign(name, stance, plans, COMMON | definitions)


# 1. Support Boston's ban (large).
BAN_SUPPORT = _campaign(
    "ban-support",
    "support",
    [
        (4, "hello / intro ask / why1#0 why2 why3 / closer / bye"),
        (3, "hello / ask why2 why1#1 / why4 why3 / closer / bye"),
        (2, "intro ask / why1 why3 why4 / bye"),
        (1, "hello / ask2 / why2 why3 closer2 / bye"),
    ],
    {
        "hello": "{Dear|Hello|Greetings|To the} {Councilors|members of the City Council|"
        "City Council|Committee on Government Operations|honorable councilors},",
        "subject": "{the ban on face surveillance|the face surveillance ordinance|"
        "Docket {#|No. }0683|the Wu-Arroyo ordinance|this ordinance banning facial "
        "recognition|the proposed ban on facial recognition|this ban on face {surveillance|"
        "recognition} technology|the ordinance before you}",
        "intro": "I am {a resident of|a voter in|a homeowner in|a parent in|a renter in} "
        "{[[hood]]|Boston}, and I am writing {in support of|to support|to ask you to pass|"
        "to speak up for} [[subject]].",
        "ask": "I {{strongly |}urge|ask|encourage|call on} {the council|you and your "
        "colleagues|every councilor|this committee} to {pass|adopt|approve|vote for} "
        "[[subject]] {without delay|this session|as written|right away|without loopholes}.",
        "ask2": "Please {vote yes on|pass|adopt|support} [[subject]] and keep {face "
        "surveillance|facial recognition|this technology|biometric tracking} out of "
        "{our neighborhoods|Boston|our city|the hands of city agencies}.",
        "why1": "{{Face surveillance|Facial recognition|This technology|Face recognition "
        "software} is {dangerously|deeply|badly|notoriously} {inaccurate|unreliable|flawed} "
        "when it comes to {Black and brown residents|people of color|darker-skinned faces|"
        "women of color}|{Studies|Researchers at MIT|Independent tests|Audits} have "
        "{shown|found|proven} that it {misidentifies|fails on|gets wrong} {darker-skinned "
        "women|Black residents|people of color} far more often than {white men|anyone else|"
        "other people}}.",
        "why2": "{A false match|A wrong identification|A single error|One mistaken hit} can "
        "{put|land|send} an innocent {person|neighbor|resident|father} {in jail|behind bars|"
        "in handcuffs|in a cell}, as {already happened|we have seen|it did|happened} in "
        "{Detroit|Michigan|other cities}.",
        "why3": "Even when it {works|is accurate|gets it right}, it {gives|hands|offers} the "
        "{government|police|city} {the power|a tool|the ability} to {track|follow|watch|"
        "identify} {every one of us|all of us|any resident|everyone} {at a protest|outside "
        "a clinic|at a house of worship|on the street}.",
        "why4": "{Somerville|Cambridge|Brookline}, {San Francisco|Oakland} and {other "
        "cities|many other places|communities across the country} have {already banned|said "
        "no to|prohibited|outlawed} {it|this technology|face surveillance}, and Boston "
        "should {do the same|join them|follow their lead|not fall behind}.",
        "closer": "{Thank you|Thanks|I am grateful|Many thanks} for {your time|your "
        "leadership|considering my testimony|reading this}, and please {protect|defend|stand "
        "up for} {our civil liberties|our privacy|the rights of residents|our freedom} by "
        "{passing|adopting|approving} [[subject]].",
        "closer2": "No one should {be tracked|be watched|have their face scanned|be "
        "identified} by the {city|government|police} just for {walking down the street|going "
        "to work|attending a rally|living in Boston}.",
        "bye": "{Sincerely|Respectfully|Best regards|Thank you|In solidarity},\n{A "
        "{concerned|proud|worried} {resident|constituent|neighbor}|{[[hood]]|Boston} "
        "{resident|voter}}",
    },
)


# 2. Support the state moratorium (large).
MORATORIUM_SUPPORT = _campaign(
    "moratorium-support",
    "support",
    [
        (4, "hello / ask frame / why1 why2#0 law / close / bye"),
        (3, "hello / who ask / why2#1 why1 why3 / close / bye"),
        (2, "hello / who frame ask / law why3 / bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Chairs|members of the Joint Committee on the "
        "Judiciary|Judiciary Committee|honorable legislators|Senators and Representatives},",
        "bill": "{H.1538|S.1385|House Bill 1538|Senate Bill 1385|H.1538 and S.1385|the face "
        "recognition moratorium|this moratorium on facial recognition|the bill to pause "
        "government use of face surveillance}",
        "who": "I {live|vote|work|raise my family} in {[[town]]|Boston|[[hood]]|Western "
        "Massachusetts}, and I {care deeply about|value|worry about} {privacy|civil "
        "liberties|our basic rights|due process} in {the Commonwealth|Massachusetts|our "
        "state}.",
        "ask": "I am writing to {urge|ask|encourage} {you|the committee|each of you} to "
        "{report [[bill]] out favorably|give [[bill]] a favorable report|support [[bill]]|"
        "move [[bill]] forward} {this session|before the deadline|without delay|as soon as "
        "possible}.",
        "frame": "The {bill|legislation|proposal} would {press pause on|put a moratorium on|"
        "halt|freeze} {government|state|police|public agency} use of {face recognition|"
        "facial surveillance|biometric tracking|these systems} until {the Legislature|"
        "lawmakers|we as a state} {sets|writes|passes} {clear|real|strong} {rules|"
        "safeguards|protections}.",
        "why1": "Right now there are {no|almost no|few if any} {state laws|real rules|"
        "meaningful safeguards} {governing|limiting|overseeing} how {police|the RMV|state "
        "agencies|law enforcement} {use|run|rely on} {this technology|face scans|these "
        "searches}, and {thousands|countless|hundreds} of {searches|scans} {have been run|"
        "happen every year|have gone unchecked} without {a warrant|oversight|any "
        "accountability}.",
        "why2": "{{The|This} {technology|software} is {far|much} less accurate for "
        "{Black|darker-skinned|young} {women|people|residents}, and {false matches|wrong "
        "identifications|mistaken hits} have {already led|led} to {wrongful arrests|people "
        "being jailed} in {other states|Michigan|Detroit}|{False matches|Mistakes|Wrong "
        "matches} {fall|land} {hardest|most often} on {Black|brown|immigrant} {residents|"
        "neighbors|communities}, who {already|too often} {face|bear} {more|the most} "
        "{stops|policing|surveillance}}.",
        "why3": "A {moratorium|pause} {gives|would give} {us|the Commonwealth|the public|"
        "lawmakers} {time|the chance|room} to {decide|debate|study} {whether and how|if and "
        "when} this {technology|surveillance} should be used, {before|instead of after} "
        "{the damage is done|people are hurt|it spreads further}.",
        "law": "{Dozens of|Many|Scores of} {civil rights|civil liberties|community|faith} "
        "{groups|organizations} {across|from all over} the {state|Commonwealth} {support|"
        "back|stand behind} [[bill]].",
        "close": "{Thank you|Thanks|I appreciate you} for {your time|considering this|your "
        "work on this|reading my testimony}, and please {act|move|vote} {quickly|this "
        "session|soon} on [[bill]].",
        "bye": "{Sincerely|Respectfully|Best|With thanks},\n{A|Your} {constituent|voter|"
        "neighbor} {in|from} {[[town]]|Massachusetts|[[hood]]}",
    },
)


# 3. Oppose Boston's ban: public safety (medium-large).
BAN_OPPOSE_SAFETY = _campaign(
    "ban-oppose-safety",
    "oppose",
    [
        (4, "hello / intro ask / why1#0 why2 why3 / bye"),
        (3, "hello / ask why2 / why1#1 alt / closer / bye"),
        (2, "intro why3 ask alt / closer / bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Councilors|City Council|members of the Council|"
        "respected councilors|Committee members},",
        "subject": "{the ban on facial recognition|the face surveillance ban|Docket "
        "{#|No. }0683|this ordinance|the proposed face surveillance ordinance|this blanket "
        "ban on face recognition|the so-called face surveillance ban}",
        "police": "{the police|our officers|detectives|the BPD|investigators}",
        "intro": "As a {lifelong|longtime|proud} {[[hood]]|Boston} {resident|homeowner|"
        "taxpayer|parent}, I {care about|worry about|want} {safe streets|public safety|the "
        "safety of my family|safer neighborhoods} {more than anything|above all|every "
        "day}.",
        "ask": "I {strongly |respectfully |}{oppose|object to|am against|ask you to reject} "
        "[[subject]] {as written|in its current form|as it stands}.",
        "why1": "{[[police]] {use|need|rely on} {tools like this|modern tools|every lead} to "
        "{find|identify|locate} {missing children|shooting suspects|trafficking victims} "
        "{quickly|in time|before it is too late}|{Taking|Banning} {a tool|this tool|these "
        "tools} {away from|used by} [[police]] {leaves|makes} {our neighborhoods|the city|"
        "every family} {less safe|more vulnerable|worse off}}.",
        "why2": "The {city|department} {does not|doesn't} {even use|currently use|use} "
        "{this technology|the software|face recognition} {today|right now|yet}, so {a ban|"
        "the ordinance|this ordinance} {only|just|simply} ties the hands of {future "
        "commissioners|future councils|whoever comes next}.",
        "why3": "{Sensible rules|Clear limits|Strong guardrails|Real oversight} {and|with} "
        "{audits|warrants|public reporting} would {protect|address} {privacy|civil "
        "liberties|the concerns raised} {far better than|better than|without} a {total|"
        "blanket|permanent} ban.",
        "alt": "{Regulate|Limit|Set rules for} {the technology|its use|it}, {don't|do not} "
        "{ban|outlaw|prohibit} it {outright|forever|completely}.",
        "closer": "{Please|I ask you to|Kindly} {put|keep} {public safety|victims|our "
        "families|the people of Boston} {first|in mind|at the center} when you {vote|"
        "decide|cast your vote}.",
        "bye": "{Sincerely|Respectfully|Regards|Thank you},\n{A|Your} {concerned|worried} "
        "{[[hood]]|Boston} {resident|taxpayer|voter}",
    },
)


# 4. Oppose the state moratorium: business and technology (medium).
MORATORIUM_OPPOSE_BUSINESS = _campaign(
    "moratorium-oppose-business",
    "oppose",
    [
        (3, "hello / who ask / why1 why2 why3 / close / bye"),
        (2, "hello / ask why2 why1 / offer close / bye"),
        (1, "hello / who why3 ask offer / bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Chairs|members of the Judiciary Committee|honorable "
        "legislators|Joint Committee on the Judiciary},",
        "bill": "{H.1538|S.1385|House Bill 1538|Senate Bill 1385|the proposed moratorium|"
        "this moratorium bill|the sweeping ban on facial recognition|the face recognition "
        "moratorium}",
        "who": "I {run|own|manage|work for} a {small|growing|local} {technology company|"
        "security business|software startup|camera installation firm} in {[[town]]|"
        "Massachusetts|the Commonwealth} that {employs|supports|hires} {dozens of|many|"
        "local} {people|residents|families}.",
        "ask": "I {respectfully |}{ask|urge} {you|the committee|lawmakers} to {reject|oppose|"
        "set aside|not advance} [[bill]] {this session|as filed|in its current form}.",
        "why1": "[[bill]] would {sweep in|cover|freeze} {everyday|ordinary|useful} "
        "{uses|tools} {like|such as|including} {unlocking a phone|finding missing persons|"
        "preventing identity fraud|checking tickets at events}.",
        "why2": "{Massachusetts|Our state|The Commonwealth} {would fall behind|risks "
        "falling behind|could lose ground to} {other states|its neighbors|competitors} "
        "{and lose|and drive away|costing us} {jobs|investment|tech companies} if it "
        "{bans|freezes|halts} a technology {others regulate|that can be regulated|that "
        "other states manage}.",
        "why3": "{The technology|Today's algorithms|These systems} {have improved|have "
        "gotten far better|are much more accurate} {over the last few years|since the early "
        "studies|in recent years}, and {federal|NIST|independent} {tests|testing|"
        "evaluations} {show|find|report} the {best|leading|top} {systems|algorithms} "
        "{are|to be} {over 99 percent accurate|highly accurate|extremely accurate}.",
        "offer": "{We|I|Our industry} would {gladly|be glad to|readily} {work|help} with "
        "{you|the committee|lawmakers} on {sensible|reasonable|clear} {rules|standards|"
        "guardrails} {instead|rather than a ban|in place of a moratorium}.",
        "close": "{Thank you|Thanks|I appreciate you} for {your time|your consideration|"
        "listening}, and please {regulate|set rules for|oversee} {the technology|these "
        "tools|its use} {rather than banning it|instead of freezing it|without a ban}.",
        "bye": "{Sincerely|Regards|Respectfully|Best regards},\n{A|One} {Massachusetts|"
        "[[town]]} {business owner|employer|entrepreneur}",
    },
)


# 5. Support the order for a hearing on the police's video analysis software (small).
BRIEFCAM_SUPPORT = _campaign(
    "briefcam-support",
    "support",
    [
        (3, "hello / ask why1 why2 / why3 / bye"),
        (2, "hello / why1 ask / why3 bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Councilors|members of the City Council|Committee on "
        "Government Operations|esteemed councilors},",
        "order": "{Docket {#|No. }0684|the order for a hearing on BriefCam|the hearing order "
        "on police video software|a public hearing on the BPD's video analytics|the "
        "BriefCam hearing order}",
        "ask": "I {support|urge you to pass|ask you to adopt|strongly back} [[order]] "
        "{and hope it is heard soon|without delay|this month|before the next budget}.",
        "why1": "The {police|department|BPD} {already uses|relies on|runs} {video analysis "
        "software|BriefCam|a video analytics system} that {can|is able to|may soon} "
        "{search|sort|scan} {footage|video|recordings} by {faces|facial features|people's "
        "faces} {after an upgrade|with one update|if a feature is switched on}.",
        "why2": "{Residents|The public|We|The people of Boston} {deserve|have a right|need} "
        "to {know|learn|hear} which {features|parts of it} are {turned on|in use|being "
        "used} and who {sees|can see|gets} the {data|results|footage}.",
        "why3": "A {public hearing|hearing} is the {first|most basic|minimum} step toward "
        "{real|public|meaningful} {oversight|accountability|transparency}, {and I thank "
        "you for holding it|so please hold it soon|and it costs nothing}.",
        "bye": "{Sincerely|Regards|Respectfully|Best},\n{A|Your} {[[hood]]|Boston} "
        "{resident|voter|neighbor}",
    },
)


# 6. Support the ban but ask for it to be made stronger (small).
BAN_STRENGTHEN = _campaign(
    "ban-strengthen",
    "support",
    [
        (3, "hello / ask fix1 fix2 / why#0 / bye"),
        (2, "hello / ask fix2 why#1 / bye"),
        (1, "ask fix1 why / bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Councilors|members of the City Council|honorable "
        "councilors|Committee members},",
        "subject": "{the face surveillance ordinance|Docket {#|No. }0683|this ordinance|the "
        "proposed ban|the ban on facial recognition}",
        "ask": "I {support|am grateful for|strongly back|welcome} [[subject]], but I "
        "{ask|urge|beg} you to {strengthen it|close its loopholes|make it stronger|tighten "
        "it} {before the vote|before it passes|in the working session}.",
        "fix1": "{Residents|People|Anyone} {harmed by|wrongly tracked by|targeted with} "
        "{face surveillance|this technology|illegal scans} {should be able to|must be able "
        "to|deserve the right to} {sue|go to court|seek damages} {in court|directly|on "
        "their own}.",
        "fix2": "It should also {bar|stop|cover} {the sharing of|handing over} {photos|data|"
        "images} {with|to} {the state fusion center|federal immigration agents|ICE|other "
        "agencies}.",
        "why": "{Without these {changes|fixes|protections}, the {ban|ordinance} {could|"
        "would|may} be {easy to evade|full of loopholes|ignored in practice}|A {ban|law} "
        "is only as {strong|good|effective} as its {enforcement|weakest part|loopholes "
        "allow}}.",
        "bye": "{Sincerely|In solidarity|Respectfully|Thank you},\n{A|Your} {[[hood]]|"
        "Boston} {resident|organizer|voter}",
    },
)


# 7. Oppose Boston's ban: shopkeepers and landlords (small).
BAN_OPPOSE_RETAIL = _campaign(
    "ban-oppose-retail",
    "oppose",
    [
        (2, "hello / who ask / why1 why2 / bye"),
        (1, "hello / ask why2 why1 / bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Councilors|City Council|members of the Council|"
        "respected councilors},",
        "subject": "{the face surveillance ban|Docket {#|No. }0683|this ordinance|the "
        "proposed ban|the facial recognition ordinance}",
        "who": "{My family|I|My husband and I|We} {own|run|have run} a {small|corner|family} "
        "{store|shop|pharmacy|restaurant} in {[[hood]]|Boston} {and have for|going on|for} "
        "{twenty years|decades|a long time|years}.",
        "ask": "I {ask|urge|beg} you to {vote against|reject|amend|narrow} [[subject]] so "
        "that it {does not hurt|does not burden|won't harm} {small businesses|shop owners|"
        "people like us}.",
        "why1": "{Shoplifting|Break-ins|Theft|Burglary} {is up|keeps rising|has gotten "
        "worse} in {[[hood]]|our neighborhood|my area}, and {police|officers|detectives} "
        "{need|should have|deserve} every {tool|lead|bit of help} they can get.",
        "why2": "{Video|Camera|Security} {footage|images} {is|are} often our {only|best|"
        "main} {way|hope|chance} to {identify|find|catch} {who|the people who} {robbed|"
        "broke into|hit} {us|our store|the shop}.",
        "bye": "{Sincerely|Regards|Respectfully|Thank you},\n{A|One} {[[hood]]|Boston} "
        "{business owner|shopkeeper|store owner}",
    },
)


# 8. Students for the state moratorium (small).
MORATORIUM_STUDENTS = _campaign(
    "moratorium-students",
    "support",
    [
        (3, "hello / who ask why1 / why2 close / bye"),
        (2, "hello / ask why2 why1 / bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Chairs|Senators and Representatives|members of the "
        "Judiciary Committee|honorable legislators},",
        "bill": "{H.1538|S.1385|House Bill 1538|Senate Bill 1385|the face recognition "
        "moratorium|this moratorium on facial surveillance}",
        "who": "I am a {student|college student|graduate student|first-year student} at "
        "{a university|a college|a state school|UMass} in {[[town]]|Boston|the "
        "Commonwealth}, and {privacy|surveillance|this issue} {matters|means a lot|is "
        "important} to {me|my classmates|students like me}.",
        "ask": "Please {pass|support|advance|report favorably} [[bill]] {this session|"
        "before the deadline|without delay}.",
        "why1": "{Campus|University|Transit|MBTA} {police|security} {could|can|may} "
        "{scan|track|identify} {students|young people|us} {at protests|in class|on campus|"
        "on the T} {without our consent|without our knowledge|with no warrant}.",
        "why2": "{Students|Young people|We} {deserve|should be free|have a right} to {speak|"
        "organize|protest|learn} {freely|without fear|out loud} {and|without} {being "
        "tracked|being watched|being scanned} {for it|by the state|by cameras}.",
        "close": "{Thank you|Thanks} for {listening|your time|hearing us}, and please "
        "{listen to|stand with|hear} {students|young voters|our generation}.",
        "bye": "{Sincerely|Best|Thanks|Respectfully},\n{A|One} {student|college student|"
        "young voter} {in|from} {[[town]]|Massachusetts}",
    },
)


# 9. Oppose the order on the police's video software (small).
BRIEFCAM_OPPOSE = _campaign(
    "briefcam-oppose",
    "oppose",
    [
        (2, "hello / ask why1 why2 / bye"),
        (1, "hello / why2 ask / bye"),
    ],
    {
        "hello": "{Dear|To the|Hello} {Councilors|members of the Council|City Council|"
        "respected councilors},",
        "order": "{Docket {#|No. }0684|this hearing order on BriefCam|the order on police "
        "video software|another hearing on BPD camera tools}",
        "ask": "I {ask|urge|hope} you {to drop|to table|will drop|will shelve} [[order]] "
        "{and let the police work|this year|for now}.",
        "why1": "{Detectives|Our police|Investigators|Officers} {use|rely on|depend on} "
        "{video search|this software|camera analysis} to {solve shootings|find suspects|"
        "locate missing people|close cases} in {hours|days} instead of {weeks|months}.",
        "why2": "The {council|city} {already|has already} {heard|discussed|debated} {this|"
        "the issue|the software}, and {another|one more} {hearing|debate} {only|just} "
        "{wastes|takes up|eats} {time|money|the department's time}.",
        "bye": "{Sincerely|Regards|Respectfully},\n{A|Your} {[[hood]]|Boston} {resident|"
        "taxpayer|voter}",
    },
)


# 10. Faith leaders for Boston's ban (small).
BAN_SUPPORT_FAITH = _campaign(
    "ban-support-faith",
    "support",
    [
        (2, "hello / who ask why1 / why2#1 / bye"),
        (1, "hello / ask why2#0 / who why1 / bye"),
    ],
    {
        "hello": "{Dear|Honorable|Beloved|Esteemed} {Councilors|members of the City Council|"
        "council members|friends on the Council},",
        "subject": "{the face surveillance ban|Docket {#|No. }0683|this ordinance on face "
        "surveillance|the ban on facial recognition}",
        "who": "I {serve|lead|pastor|belong to} a {congregation|parish|church|mosque|"
        "synagogue} in {[[hood]]|Boston} that has {gathered|worshipped|met} there {for "
        "generations|for decades|every week|for a century}.",
        "ask": "{We|I} {ask|urge|pray} {you|the council} to {pass|adopt|approve|support} "
        "[[subject]].",
        "why1": "No one should {fear|worry about|dread} {being watched|being scanned|a "
        "camera} on the way to {worship|prayer|services|their house of worship}.",
        "why2": "{Our {faith|tradition|scripture} {calls|teaches|asks} us to {protect|"
        "stand with|care for} {the stranger|the vulnerable|our immigrant neighbors}|{Immigrant|"
        "Black|Muslim} {families|members} of our {congregation|community|parish} {already "
        "feel|are already} {watched|targeted|afraid}}.",
        "bye": "{In faith|With hope|Blessings|Respectfully},\n{A|One} {pastor|faith leader|"
        "rabbi|imam} {in|of} {[[hood]]|Boston}",
    },
)


# Every campaign, with its share of the spun copies: a number of copies (small campaigns, the
# same at every corpus size) or a weight of what is left (large ones).
CAMPAIGNS: list[tuple[Campaign, int | float]] = [
    (BAN_SUPPORT, 0.36),
    (MORATORIUM_SUPPORT, 0.28),
    (BAN_OPPOSE_SAFETY, 0.20),
    (MORATORIUM_OPPOSE_BUSINESS, 0.16),
    (BRIEFCAM_SUPPORT, 40),
    (BAN_STRENGTHEN, 25),
    (BAN_OPPOSE_RETAIL, 12),
    (MORATORIUM_STUDENTS, 30),
    (BRIEFCAM_OPPOSE, 8),
    (BAN_SUPPORT_FAITH, 5),
]
