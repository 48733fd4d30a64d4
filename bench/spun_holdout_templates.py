"""Templates of the held-out spun set (bench/spun_holdout.py): bot campaigns and the pieces of
personal letters. Written independently of the development set.

Spin syntax: `[a|b|c]` picks one alternative; brackets nest. Each campaign is a set of named
sentences and several skeletons (orders of sentence names; "/" starts a new paragraph). A bot
keeps one skeleton for the whole letter and spins every sentence inside it.
"""

from __future__ import annotations

from typing import NamedTuple


class Campaign(NamedTuple):
    key: str
    sentences: dict[str, str]
    skeletons: list[list[str]]
    # Chance that a slot takes a random alternative instead of its first one (1.0 = spun hard).
    spin: float


# Modelled on the 2017 FCC "Restoring Internet Freedom" bot letters.
NET_FREEDOM = Campaign(
    key="net_freedom",
    spin=0.9,
    sentences={
        "open": "[Dear|To|Attention:|Re:] [FCC|Federal Communications Commission|"
        "Chairman Pai|Commissioners|Commission][,|:|]",
        "a": "[Americans|People like me|Individual citizens|Citizens|Consumers|Internet users], "
        "[as opposed to|rather than|not] [Washington bureaucrats|so-called experts|"
        "the FCC bureaucrats|big government|unelected regulators|federal officials], "
        "[deserve to|should be able to|ought to|should be free to] [enjoy|use|buy|access] "
        "[the services|whichever applications|whatever products|the online services|"
        "the applications] [they desire|we prefer|we choose|they want|they see fit].",
        "b": "[Obama's|The previous administration's|The 2015|Tom Wheeler's] "
        "[heavy-handed|overreaching|power-grabbing|unprecedented|misguided] "
        "[FCC order|Title II order|regulatory scheme|takeover of the Internet|"
        "imposition of utility rules] [is a distortion of|disrupted|undermined|corrupted|"
        "is a perversion of] [the open Internet|a free Internet|the free market|"
        "a pro-consumer system|the Internet as we know it].",
        "c": "[It|That order|This policy|The rule] [ended|stopped|reversed|put an end to] "
        "[a pro-consumer system|a hands-off approach|a light-touch framework|"
        "a bipartisan consensus] [that functioned|that performed|that worked|which operated] "
        "[remarkably|very|exceptionally|fabulously] [smoothly|well|successfully] "
        "[before the FCC meddled|for decades|before Title II|"
        "for more than twenty years|before 2015].",
        "d": "[I|We|Citizens like me|My family and I] [strongly|respectfully|hereby] "
        "[urge|ask|call on|demand|implore] [you|the FCC|the Commission|Chairman Pai|"
        "the commissioners] to [undo|reverse|repeal|rescind|overturn] "
        "[Obama's|the previous administration's|Wheeler's|the 2015] "
        "[Title II order|scheme to regulate the Internet|Internet power grab|"
        "net neutrality rules|utility-style regulation].",
        "e": "[Undoing|Reversing|Repealing|Rolling back] [it|that order|these rules|"
        "Title II] [will|would] [restore|bring back|return us to] "
        "[the light-touch approach|free-market principles|competition and innovation|"
        "the freedom] [that|which] [let|helped|made] "
        "[the Internet|online businesses|American innovators|the web] "
        "[thrive|flourish|grow|succeed] [for two decades|in the first place|"
        "before the government stepped in|under both parties].",
        "f": "[[Government|Federal|Washington's] [regulation|micromanagement|control|bureaucracy] "
        "[of the Internet|of broadband|online] [smothers|chokes|stifles|kills|hurts] "
        "[investment|innovation|job creation|new networks] [and|while it|and it] "
        "[harms|hurts|burdens|punishes] [consumers|rural families|small providers|"
        "taxpayers].|[Internet providers|Broadband companies|Small ISPs] [cut|froze|delayed] "
        "[investment|network upgrades|rural buildout] [after|because of|under] "
        "[Title II|the 2015 order|utility regulation].|[Let|Allow] [the market|competition|"
        "consumers], [not|rather than|instead of] [the FCC|Washington|bureaucrats], "
        "[decide|choose|shape] [how the Internet works|the future of the web|"
        "what we pay for].]",
    },
    skeletons=[
        ["open", "/", "a", "b", "c", "/", "d", "e"],
        ["open", "/", "d", "/", "a", "b", "c", "e"],
        ["a", "b", "f", "d", "e"],
        ["open", "/", "f", "a", "c", "d"],
        ["b", "c", "a", "/", "d", "e", "f"],
    ],
)

# Modelled on the EPA "Strengthening Transparency in Regulatory Science" letters (2018).
SECRET_SCIENCE = Campaign(
    key="secret_science",
    spin=0.5,
    sentences={
        "open": "[Dear Administrator|To the EPA|Dear EPA officials|Docket EPA-HQ-OA-2018-0259|"
        "To the Environmental Protection Agency][,|:| -]",
        "a": "[As a|Being a|Speaking as a] [parent|scientist|nurse|grandparent|taxpayer|"
        "voter] [who believes|who thinks|convinced] that [our air and water|the air we breathe|"
        "public health|our families] [should|must|deserve to] be [protected|safeguarded|"
        "defended] by [the best available science|sound research|real evidence|"
        "peer-reviewed studies], I [oppose|object to|reject|am against] "
        "[this proposal|the so-called transparency rule|the proposed science rule|"
        "this rule].",
        "b": "[The rule|This proposal|The plan|The measure] [would|could|will] "
        "[block|bar|keep|prevent] [the agency|EPA|regulators|the EPA's scientists] from "
        "[relying on|using|considering|weighing] [landmark|vital|decades of|critical] "
        "[health studies|medical research|epidemiological studies|public health research] "
        "[because|simply because|only because|whenever] [their|the] "
        "[patient data|private medical records|confidential health data|raw data] "
        "[cannot|can't|may not] be [made public|published|released|disclosed].",
        "c": "[Calling this|Branding it|Marketing this as|Labelling it] "
        "[transparency|openness|good science|reform] [is|would be] "
        "[misleading|dishonest|a distortion|Orwellian|absurd]: [it|the rule] "
        "[serves|helps|benefits|rewards] [polluters|the chemical industry|"
        "industry lobbyists|corporate interests], [not|and not|rather than] "
        "[the public|families|communities|science].",
        "d": "[Studies like|Research such as|Work like] [the Harvard Six Cities study|"
        "the landmark air pollution studies|long-term cohort studies] "
        "[showed|proved|demonstrated|found] that [fine particle pollution|soot|"
        "dirty air|particulate matter] [shortens|cuts short|takes years off] "
        "[lives|people's lives|American lives].",
        "e": "[Please|I urge you to|I ask you to|EPA should] [withdraw|abandon|scrap|"
        "drop|reject] [this proposal|the rule|this dangerous rule|the proposed rule] "
        "[and|and instead|and go back to] [keep|continue|return to] "
        "[basing|grounding|building] [its|your|the agency's] [decisions|safeguards|"
        "protections|standards] on [the best science|all the evidence|sound science|"
        "the full body of research].",
    },
    skeletons=[
        ["open", "/", "a", "/", "b", "d", "/", "c", "/", "e"],
        ["a", "b", "c", "e"],
        ["open", "/", "b", "c", "/", "a", "e"],
        ["open", "/", "a", "d", "b", "/", "e"],
    ],
)

COAL_ASH = Campaign(
    key="coal_ash",
    spin=0.55,
    sentences={
        "a": "[I|Me and my family|We] [oppose|reject|stand against|object to] "
        "[any attempt|every effort|all efforts|the proposal] to [weaken|gut|roll back|"
        "undermine|repeal] [clean water protections|safeguards|the 2015 rules|protections] "
        "[against|from|on] [toxic coal ash|coal ash pollution|coal ash waste|"
        "dangerous coal ash].",
        "b": "[Coal ash|This waste|Ash from power plants] [contains|is full of|carries|"
        "is laced with] [arsenic, lead and mercury|toxic heavy metals|"
        "poisons such as arsenic and chromium|cancer-causing metals] [that|which] "
        "[leak|seep|leach|spill] [into|through to] [our groundwater|drinking water|"
        "rivers and wells|the water our families drink].",
        "c": "[Communities of color|Low-income neighborhoods|Rural towns|"
        "Frontline communities] [already|too often|disproportionately] "
        "[bear|carry|suffer] [the burden|the worst|the brunt|the costs] of "
        "[this pollution|these dumps|coal ash ponds|leaking ash pits].",
        "d": "[Utilities|Power companies|Plant operators|The coal industry] "
        "[cannot|should not|must not] be [trusted|allowed|left] to "
        "[police themselves|set their own standards|decide on their own|"
        "write their own permits].",
        "e": "[Please|EPA must|I ask the agency to|You should] [withdraw|abandon|drop|"
        "reject] [this proposal|the permit program|this rollback|these changes] "
        "[and|and instead] [strengthen|enforce|keep|protect] [the 2015 coal ash rule|"
        "the safeguards we have|strong federal standards|clean water].",
        "f": "[[In a pandemic|During this crisis|With COVID-19 spreading|At a time like this], "
        "[no family|nobody|no one|no community] should [have to|need to|be forced to] "
        "[worry about|fear|fight] [poisoned water|contaminated wells|toxic leaks|"
        "coal ash in their tap water].|[Clean|Safe|Drinkable] water [is|should be|must be] "
        "[a right|a basic right|non-negotiable], [especially|above all|most of all] "
        "[now|in a pandemic|during COVID-19].|[Families|Kids|Neighbors] [already|now|"
        "still] [struggle|cope|deal] with [the pandemic|COVID|enough]; [leaking ash|"
        "poisoned wells|toxic water] [should not|must not|cannot] be [added to that|"
        "one more worry|another burden].]",
    },
    skeletons=[
        ["a", "/", "b", "c", "f", "/", "d", "/", "e"],
        ["a", "b", "d", "e"],
        ["f", "a", "/", "c", "b", "/", "e"],
        ["a", "/", "b", "c", "d", "/", "e"],
    ],
)

RAT_POISON = Campaign(
    key="rat_poison",
    spin=0.4,
    sentences={
        "open": "[Dear EPA|To the Environmental Protection Agency|Hello|EPA staff][,|:| -]",
        "a": "[Super-toxic|Second-generation|Anticoagulant|Deadly] [rat poisons|rodenticides|"
        "rodent poisons] [are killing|are poisoning|are wiping out|are devastating] "
        "[our|America's|the country's] [native wildlife|hawks, owls and foxes|"
        "birds of prey|wild animals].",
        "b": "[These|Such|The] [persistent|long-lasting|slow-acting] [poisons|toxins|"
        "chemicals] [move|travel|spread] [up|through] [the food chain|the food web] "
        "[when|as] [predators|owls and bobcats|raptors|scavengers] [eat|consume|feed on] "
        "[poisoned rodents|the dying rats|contaminated prey].",
        "c": "[Animals|Victims|Pets and wildlife] [suffer|endure|die] "
        "[slow and painful|agonizing|drawn-out|cruel] [deaths|bleeding|internal bleeding] "
        "[over several days|for days|before they die].",
        "d": "[Safer|Humane|Effective|Cheaper] [alternatives|options|methods] "
        "[like|such as|including] [sealing buildings|exclusion and sanitation|snap traps|"
        "good sanitation] [already exist|are available|work well|are proven].",
        "e": "[Please|I urge you to|I ask you to|EPA should] [ban|prohibit|cancel|end] "
        "[these products|anticoagulant rodenticides|these poisons|all second-generation "
        "rodenticides] [now|without delay|this year|before more damage is done].",
    },
    skeletons=[
        ["open", "/", "a", "b", "c", "/", "d", "/", "e"],
        ["a", "c", "b", "e"],
        ["open", "/", "a", "/", "b", "d", "/", "e"],
    ],
)

OHIO_NUISANCE = Campaign(
    key="ohio_nuisance",
    spin=0.5,
    sentences={
        "open": "[Public comment on|Comment on|Regarding|Re:] [85 FR 16309|Federal Register "
        "85 FR 16309|the Ohio SIP revision|docket EPA-R05-OAR-2020-0055][.|:]",
        "a": "[I|As an Ohioan I|As a resident I|Speaking as an Ohio voter, I] "
        "[oppose|object to|reject|am against] [the rollback|the removal|the repeal|"
        "the elimination] of [the nuisance provision|Ohio's air nuisance rule|"
        "the nuisance rule] [in|from] [Ohio's clean air regulations|the state plan|"
        "Ohio's implementation plan].",
        "b": "[That provision|The nuisance rule|This rule|The provision] "
        "[lets|allows|empowers|gives] [residents|Ohioans|neighbors|local communities] "
        "[to take|the power to take|a way to take] [polluters|bad actors|factories] "
        "[to court|before a judge|to account] [over|for|about] [local pollution|"
        "odors and soot|dust and fumes|problems the EPA misses].",
        "c": "[Without it|Once it is gone|If it is removed], [it will be|it becomes|"
        "it gets] [much|far|a lot] [harder|more difficult] [for families|for Ohioans|"
        "for towns|for us] to [protect|defend|look after] [their health|themselves|"
        "our communities|their neighborhoods].",
        "d": "[EPA|The agency|Regulators] [should|must|ought to] [do its job|enforce the law|"
        "enforce current protections|protect us] [instead of|rather than|not] "
        "[eliminating|throwing out|scrapping|removing] [protections we already have|"
        "tools that work|safeguards that exist].",
    },
    skeletons=[
        ["open", "/", "a", "/", "b", "c", "/", "d"],
        ["a", "b", "d"],
        ["open", "/", "a", "c", "b", "d"],
    ],
)

BLUEWATER = Campaign(
    key="bluewater",
    spin=0.7,
    sentences={
        "a": "[I live in Texas|I'm a Texas resident|As a Texan|I am a resident of Texas] "
        "and [my comment is on|I am writing about|this comment concerns|I'm commenting on] "
        "[permit application EPA-R06-OAR-2020-0510|the Bluewater Terminal permit|"
        "the Bluewater SPM air permit|permit EPA-R06-OAR-2020-0510].",
        "b": "[Please|I ask you to|I request that you|Kindly] [hold|schedule|organize] "
        "a [public meeting|public hearing|community meeting] [and|and also|and please] "
        "[extend|lengthen|reopen] the [comment period|period for comments|comment window].",
        "c": "[Over|Almost|Nearly|More than] [20,000|twenty thousand|20 thousand] tons "
        "[of pollution|"
        "of emissions|of air pollution] [a year|per year|annually] [would|will|could] "
        "[threaten|endanger|harm|damage] [human health|our health|people], "
        "[wildlife|birds and dolphins|fisheries] and [the bays|the sensitive bays|"
        "the Coastal Bend|the Gulf Coast] [around|near|by] "
        "[Port Aransas and Corpus Christi|San Jose Island|Port Aransas].",
        "d": "[I oppose|I object to|I am against|We reject] [the project|this terminal|"
        "the oil export terminal|this permit] and [I want|I expect|I ask for] "
        "[my concerns|our concerns|these concerns] to be [heard|considered|answered].",
    },
    skeletons=[["a", "b", "c", "d"], ["a", "c", "d", "b"], ["a", "/", "c", "/", "b"]],
)

USDA_FAITH = Campaign(
    key="usda_faith",
    spin=0.45,
    sentences={
        "a": "I [strongly|firmly|wholeheartedly] [oppose|object to|reject] "
        "[the USDA's proposed rule|this USDA proposal|the Department's rule|this rule] "
        "[because|since|as] it [unfairly|improperly|unjustly] [favors|privileges|"
        "advantages] [taxpayer-funded|government-funded|federally funded] "
        "[religious organizations|faith-based providers|religious groups] over "
        "[the people|the families|the beneficiaries] [it is meant to serve|"
        "programs are supposed to help|who depend on these programs].",
        "b": "[No one|Nobody|No family] should [have to|be forced to|need to] "
        "[give up|sacrifice|surrender] [their|his or her] [religious freedom|"
        "freedom of conscience|beliefs] [to get|in order to receive|to qualify for] "
        "[basic services|school lunches|government help|food assistance].",
        "c": "[The rule|This proposal|It] [removes|strips|eliminates|deletes] "
        "[key|basic|long-standing] [protections|safeguards|notice requirements] for "
        "[participants|beneficiaries|program users] and [invites|opens the door to|"
        "permits|encourages] [employment discrimination|discrimination in hiring|"
        "religious tests for jobs].",
        "d": "[Please|I urge you to|I ask the Department to|USDA should] [withdraw|"
        "rescind|abandon|drop] [this rule|the proposal|this dangerous rule] "
        "[immediately|now|in its entirety|without delay].",
    },
    skeletons=[["a", "/", "b", "/", "c", "/", "d"], ["a", "c", "d"], ["b", "a", "/", "d"]],
)

PESTICIDE_MIX = Campaign(
    key="pesticide_mix",
    spin=0.45,
    sentences={
        "a": "[Pesticides|Farm chemicals|Herbicides and insecticides] [occur|end up|are found] "
        "[as|in] [mixtures|combinations|blends] in [air, soil and water|our air and water|"
        "soil, water and food].",
        "b": "[EPA|The agency|Regulators] [must|should|needs to] [consider|assess|evaluate|"
        "test] [the effects of|the risks of|the impacts of] [mixtures|combinations|"
        "synergy] in [every|all|each] [registration decision|registration|approval].",
        "c": "[Efficacy data|Proof that a product works|Evidence of effectiveness] "
        "[should|must|ought to] be [required|demanded|mandatory] for [all pesticides|"
        "every pesticide|each product].",
    },
    skeletons=[["a", "b", "c"], ["b", "a", "c"], ["a", "/", "c", "/", "b"]],
)

# Demo topics: Boston's face surveillance ordinance (Docket #0683), the BriefCam order
# (Docket #0684) and the state moratorium bills (H.1538 / S.1385).
BOSTON_BAN_FOR = Campaign(
    key="boston_ban_for",
    spin=0.6,
    sentences={
        "open": "[Dear|To|Hello,|Attention] [Councilors|members of the Boston City Council|"
        "Committee on Government Operations|Chair and Councilors|City Council][,|:|]",
        "a": "[We|Residents like me|Bostonians|My neighbours and I|People in this city] "
        "[deserve|have a right|should be able|expect] to [walk|move|go about our lives|"
        "travel] [through|around|in] [our city|our neighbourhoods|Boston|the streets] "
        "[without being|while not being|free from being] [tracked|watched|identified|logged] by "
        "[a camera|software|an algorithm|machines|the government].",
        "b": "[Face surveillance|Facial recognition|This technology|Face-scanning software] "
        "[misidentifies|gets wrong|mistakes|fails on] [Black women|people of color|"
        "darker-skinned faces|women and children] [far more often|at much higher rates|"
        "up to a third of the time|disproportionately].",
        "c": "[Docket #0683|The ordinance|This ban|The proposed ban|The measure] "
        "[would|will|can] [stop|prevent|keep] [city agencies|the police and the city|"
        "City Hall|every department] from [using|buying|acquiring|relying on] "
        "[it|face surveillance|this technology|these systems] [in the first place|ever|"
        "at all|before harm is done].",
        "d": "[Please|I ask you to|Vote to|I urge you to] [pass|adopt|approve|support] "
        "[the ordinance|Docket #0683|this ban|the face surveillance ban] "
        "[without|with no|free of] [loopholes|weakening amendments|exemptions|delay].",
        "e": "[[Public safety|Real safety|Trust in the police|A safe city] "
        "[depends on|rests on|needs|is built on] [trust|community trust|freedom|"
        "civil liberties], [not|rather than|and not] [mass surveillance|constant watching|"
        "tracking everyone|cameras on every corner].|[We|Boston|Our city] [cannot|won't|"
        "will never] [surveil|watch|scan] [our way to|ourselves into] [safety|a safer city|"
        "trust].|[Safety|Security|Public health] [must be|should be|has to be] "
        "[grounded|rooted|built] in [trust|consent|community], [not|never] in "
        "[surveillance|cameras|algorithms].]",
        "f": "[Other cities|San Francisco and Somerville|Cambridge and Brookline|"
        "Our neighbours] [have already|already|have] [banned|stopped|outlawed] "
        "[it|face surveillance|this technology][, and Boston should too|; Boston must follow|"
        " and Boston can lead|].",
    },
    skeletons=[
        ["open", "/", "a", "b", "/", "c", "e", "/", "d"],
        ["open", "/", "b", "c", "f", "/", "d"],
        ["a", "e", "b", "d"],
        ["open", "/", "d", "/", "a", "b", "c"],
        ["f", "b", "a", "/", "d"],
    ],
)

BOSTON_BAN_AGAINST = Campaign(
    key="boston_ban_against",
    spin=0.5,
    sentences={
        "a": "[As a|Being a|I'm a|Speaking as a] [lifelong|longtime|proud|concerned] "
        "[Boston resident|resident of Dorchester|South Boston homeowner|taxpayer], "
        "I [oppose|am against|cannot support|object to] [Docket #0683|the proposed ban|"
        "the face surveillance ordinance|this ordinance].",
        "b": "[Police|Detectives|Investigators|Officers] [need|should have|deserve|rely on] "
        "[every tool|modern tools|all available tools|the best technology] to "
        "[find|identify|locate|catch] [missing children|violent suspects|"
        "human traffickers|people who hurt others].",
        "c": "[A permanent|An outright|A blanket|A total] [ban|prohibition] "
        "[ties the hands of|handcuffs|hamstrings|hurts] [the BPD|our police|"
        "law enforcement|first responders] [while|when|even as] [crime|violence|"
        "gun violence] [is rising|goes up|continues|remains a problem].",
        "d": "[Rules|Clear rules|Strict oversight|Sensible limits] [would|could|can] "
        "[address|fix|handle|solve] [the concerns|privacy worries|accuracy problems|"
        "any abuse] [without|better than|instead of] [a ban|banning it outright|"
        "throwing the technology away].",
        "e": "[Please|I ask you to|I urge the council to|Councilors should] "
        "[vote no|reject this ordinance|oppose the ban|table the docket] and "
        "[write|adopt|consider|pass] [a sensible policy|reasonable rules|"
        "a regulation instead|oversight rules].",
    },
    skeletons=[
        ["a", "/", "b", "c", "/", "d", "/", "e"],
        ["a", "c", "e"],
        ["b", "a", "/", "d", "e"],
        ["a", "/", "d", "b", "/", "e"],
    ],
)

MORATORIUM_FOR = Campaign(
    key="moratorium_for",
    spin=0.65,
    sentences={
        "open": "[To the Joint Committee on the Judiciary|Dear Chairs and members of the "
        "Judiciary Committee|Dear Senator and Representative|Honorable committee members|"
        "Dear legislators][,|:| -]",
        "a": "[I am|I'm|I'm just] a [voter|resident|constituent|parent] [in|from|living in] "
        "[Massachusetts|the Commonwealth|Worcester|Springfield|Lowell] and I "
        "[support|strongly support|ask you to report favorably on|back] "
        "[H.1538 and S.1385|the moratorium bill|S.1385|H.1538|the face recognition "
        "moratorium].",
        "b": "[Right now|Today|At present|Currently], [state agencies|the RMV and police|"
        "government agencies|police departments] [can|may|are able to] [run|use|perform] "
        "[face recognition searches|facial recognition scans|face scans] "
        "[without|with no|absent] [judicial approval|oversight|public debate|rules|"
        "legislative approval].",
        "c": "[[A moratorium|Pausing it|A pause|Hitting pause] [gives|would give|buys] "
        "[the legislature|lawmakers|the Commonwealth|us] [time|the time|room] to "
        "[write|set|adopt|study] [real safeguards|strong rules|protections|"
        "limits that work] [before|instead of after|ahead of] [harm is done|"
        "more people are hurt|it spreads further|someone is wrongly arrested].|"
        "[Let's|We should|The Commonwealth should] [stop|pause|halt] [first|now|today] and "
        "[regulate|legislate|decide] [later|after|once we understand it].|[Pause|Halt|Freeze] "
        "[it|face recognition|government use] [until|till|before] [the law|our laws|"
        "the legislature] [catches up|can keep up|sets the rules].]",
        "d": "[The technology|These systems|Face recognition|Such software] "
        "[is|remains|has proven] [biased|inaccurate|unreliable|error-prone] "
        "[and|and also|and so] [threatens|endangers|chills|undermines] [free speech|"
        "the right to protest|our privacy|civil rights].",
        "e": "[Please|I urge you to|I respectfully ask you to|I ask the committee to] "
        "[report the bill favorably|pass the moratorium|advance S.1385 and H.1538|"
        "move this bill forward] [this session|without delay|now|quickly].",
    },
    skeletons=[
        ["open", "/", "a", "/", "b", "d", "/", "c", "/", "e"],
        ["open", "/", "a", "c", "e"],
        ["b", "d", "a", "/", "e"],
        ["open", "/", "e", "/", "a", "b", "c"],
    ],
)

MORATORIUM_AGAINST = Campaign(
    key="moratorium_against",
    spin=0.5,
    sentences={
        "a": "[As|Speaking as|I write as] [a small business owner|an employer|"
        "the owner of a security company|a technology worker] [in|from] "
        "[Massachusetts|Framingham|Burlington|Waltham], I [ask|urge|request] "
        "[you|the committee|legislators] to [oppose|reject|vote against] "
        "[the moratorium|S.1385|H.1538|this bill].",
        "b": "[A statewide|A blanket|A sweeping] [moratorium|ban|pause] [would|could|will] "
        "[hurt|punish|drive away] [local companies|innovation|jobs|investment] "
        "[and|while it] [help|helps|does nothing for] [no one|nobody|nobody at all].",
        "c": "[Smart|Careful|Targeted] [regulation|rules|standards] [would|could|will] "
        "[protect|safeguard|respect] [privacy|civil liberties|residents] "
        "[better than|more than|without] [a ban|halting everything|a moratorium].",
    },
    skeletons=[["a", "/", "b", "/", "c"], ["a", "c", "b"], ["b", "a", "c"]],
)

BRIEFCAM_ORDER = Campaign(
    key="briefcam_order",
    spin=0.55,
    sentences={
        "a": "[I|We|Our association] [support|welcome|applaud|back] [the order|Docket #0684|"
        "the hearing order|this order] [for a hearing|calling for a hearing|to hold a "
        "hearing] on [police video analysis software|BriefCam|the BPD's video software].",
        "b": "[Residents|The public|Bostonians|We] [deserve|need|have a right] to "
        "[know|learn|understand|see] [what|which features|how much] [the software|"
        "BriefCam|the system|the department's software] [can do|does|costs|collects].",
        "c": "[The council|Councilors|The committee] [should|must|needs to] "
        "[ask|find out|confirm|make sure] [whether|if] [the police|the department|"
        "the BPD] [upgraded|has updated|installed] [to the version|a version] "
        "[with|that has|that includes] [face analysis|facial recognition features|"
        "face search].",
    },
    skeletons=[["a", "b", "c"], ["a", "/", "c", "/", "b"], ["b", "a", "c"]],
)

# A second, shorter bot campaign on the same side of Docket #0683 (same topic, other bot).
BOSTON_BAN_SHORT = Campaign(
    key="boston_ban_short",
    spin=0.8,
    sentences={
        "a": "[Ban|Outlaw|Stop|End] [face surveillance|facial recognition|face scanning] "
        "in [Boston|our city|every Boston department] [now|today|this year|for good].",
        "b": "[My|Our|Your] [face|identity|image|likeness] [is|should be] [mine|not the city's|"
        "not police data|not for sale], [not|and not|never] [a tracking number|"
        "a data point|a search result].",
        "c": "[Vote|Say|Please vote] [yes|YES|in favour] on "
        "[Docket #0683|the ban|the ordinance] and "
        "[protect|defend|stand up for] [our freedom|Black and brown residents|"
        "immigrant neighbours|our privacy].",
    },
    skeletons=[["a", "b", "c"], ["a", "c"], ["b", "a", "c"]],
)

CAMPAIGNS = [
    NET_FREEDOM,
    SECRET_SCIENCE,
    COAL_ASH,
    RAT_POISON,
    OHIO_NUISANCE,
    BLUEWATER,
    USDA_FAITH,
    PESTICIDE_MIX,
    BOSTON_BAN_FOR,
    BOSTON_BAN_AGAINST,
    MORATORIUM_FOR,
    MORATORIUM_AGAINST,
    BRIEFCAM_ORDER,
    BOSTON_BAN_SHORT,
]

# Share of the spun copies for the large and medium campaigns; the others are small (5-40).
LARGE = {"net_freedom": 0.3, "boston_ban_for": 0.22, "coal_ash": 0.14}
MEDIUM = {"moratorium_for": 0.1, "secret_science": 0.08, "boston_ban_against": 0.06}

FIRST_NAMES = [
    "Maria",
    "James",
    "Aisha",
    "Tom",
    "Linh",
    "Carlos",
    "Deborah",
    "Kevin",
    "Priya",
    "Sean",
    "Fatima",
    "Robert",
    "Grace",
    "Luis",
    "Hannah",
    "Marcus",
    "Yuki",
    "Patricia",
    "Omar",
    "Ellen",
    "Dmitri",
    "Rosa",
    "Brendan",
    "Keisha",
    "Walter",
    "Mei",
    "Antonio",
    "Joan",
]
LAST_NAMES = [
    "Alvarez",
    "O'Brien",
    "Nguyen",
    "Washington",
    "Kowalski",
    "Sullivan",
    "Patel",
    "Cohen",
    "Fitzgerald",
    "Okafor",
    "Rossi",
    "Murphy",
    "Chen",
    "Baptiste",
    "Lindqvist",
    "Haddad",
    "Moreau",
    "Delgado",
    "Brennan",
    "Tanaka",
    "Greene",
    "Santos",
    "McCarthy",
    "Ibrahim",
]
TOWNS = [
    "Dorchester",
    "Roxbury",
    "Jamaica Plain",
    "East Boston",
    "Brighton",
    "Mattapan",
    "South End",
    "Charlestown",
    "Hyde Park",
    "West Roxbury",
    "Somerville",
    "Quincy",
    "Worcester",
    "Lowell",
    "Springfield",
    "Toledo, OH",
    "Corpus Christi, TX",
    "Austin, TX",
    "Madison, WI",
    "Asheville, NC",
    "Tucson, AZ",
    "Eugene, OR",
]

# Pieces of personal letters (hard negatives and statements sent to two hearings). Each talking
# point has several unrelated wordings; letters draw a few points, in any order, with their own
# openings and closings, so two letters share key terms but not their sentences.
WHO = [
    "a nurse at {hospital}",
    "a retired teacher",
    "a bus driver for the MBTA",
    "a graduate student at {school}",
    "a public defender",
    "a small landlord",
    "a software engineer",
    "a mother of two",
    "a pastor",
    "a union electrician",
    "a high school junior",
    "a Vietnam veteran",
    "a librarian",
    "a restaurant owner",
    "a home health aide",
    "a photographer",
    "a data scientist",
    "a grandmother of five",
    "an immigrant from {country}",
    "an ER doctor",
    "an organizer with a tenants' group",
    "a former police dispatcher",
    "a civil rights lawyer",
    "a youth soccer coach",
]
HOSPITALS = ["Boston Medical Center", "Mass General", "the Brigham", "Beth Israel", "Tufts"]
SCHOOLS = ["UMass Boston", "Northeastern", "BU", "Roxbury Community College", "Harvard"]
COUNTRIES = ["Haiti", "Cape Verde", "El Salvador", "Vietnam", "Ethiopia", "Brazil", "Ireland"]
INTRO_FRAMES = [
    "I'm {who} and I've lived in {town} for {years} years.",
    "My name is {name}; I am {who} from {town}.",
    "I have been {who} in {town} since {year}.",
    "For {years} years I have called {town} home, working as {who}.",
    "Writing as {who} living in {town}.",
    "{town} has been my home for {years} years, and I work as {who}.",
    "I am writing to you as {who}.",
    "Quick note from {who} in {town}.",
    "As {who}, I see this issue up close.",
    "This is {name}, {who}, {town}.",
]
GREETINGS = [
    "",
    "",
    "",
    "Hello,",
    "Dear Councilor {last},",
    "To the committee:",
    "Good afternoon,",
    "Dear Chair {last},",
    "Hi,",
    "To whom it may concern,",
    "Councilors -",
]
CLOSINGS = [
    "Thanks for reading.",
    "Thank you for your time.",
    "I hope you'll listen.",
    "That's all I wanted to say.",
    "Please think about the people this affects.",
    "I appreciate your work on this.",
    "Respectfully,",
    "With thanks,",
    "Best,",
    "Looking forward to the hearing.",
    "I'd be glad to talk more.",
    "",
]

# Talking points per demo topic: each point lists wordings with {x} fills from EXTRAS.
POINTS = {
    "boston_ban": [
        [
            "A study from MIT found error rates of {pct} for darker-skinned women.",
            "The error rates researchers measured on darker skinned women, {pct}, scare me.",
            "Software that fails that often on faces like my {relative}'s is not a tool.",
            "Joy Buolamwini's work showed how badly these systems read dark skin.",
            "I looked up the accuracy numbers and they are worst for women who look like me.",
        ],
        [
            "In {place} a man was arrested because software matched the wrong face.",
            "I read about the wrongful arrest in {place} and thought of my {relative}.",
            "Nobody should go through what that man in {place} went through over a bad match.",
            "Robert Williams spent a night in a cell because a computer said so.",
            "Imagine being handcuffed in front of your kids because of a blurry still.",
        ],
        [
            "Commissioner Gross said himself the department doesn't use it.",
            "If the BPD isn't using face recognition, as the commissioner testified, "
            "banning it costs nothing.",
            "The police told you they have no use for it, so write that into law.",
            "Even the commissioner said he isn't interested until it is 100% accurate.",
            "When the people who would use it say they don't want it, the choice is easy.",
        ],
        [
            "I marched in {month} and I don't want my face in a database for it.",
            "Protesters in {town} already worry about cameras at rallies.",
            "My {relative} stopped going to demonstrations because of the cameras.",
            "Free speech means showing up at City Hall Plaza without being catalogued.",
            "People should be able to protest without a file being opened on them.",
        ],
        [
            "The software upgrade the department has could switch this on quietly.",
            "BriefCam's newer versions can search faces, which is how it creeps in.",
            "Vendors add face search in updates; the ordinance should close that door.",
            "A routine software update should not be how a city starts scanning faces.",
        ],
        [
            "Third parties should not be a back door; the city shouldn't ask others to scan "
            "for it.",
            "Please keep the part that stops officials from getting results from other agencies.",
            "A ban that lets the city ask the state police to run searches means little.",
            "Closing the loophole for outside agencies matters as much as the ban itself.",
        ],
        [
            "Cameras already cover {street} near my home.",
            "There are {count} cameras between my door and the {line} stop.",
            "I counted the cameras on {street} last week: {count}.",
            "My corner store has a camera, the bus has one, the school has three.",
        ],
        [
            "Wu is right that the city keeps chasing technology and regulating after.",
            "Regulating ride-hailing after the fact went badly; let's not repeat that here.",
            "For once the council can act before a technology arrives instead of after.",
            "It is much easier to say no now than to pull a system out in five years.",
        ],
        [
            "My {relative} is undocumented and already avoids the T because of cameras.",
            "Immigrant families in East Boston have enough reasons to fear the police.",
            "Data collected for one purpose ends up with ICE, we have seen it before.",
        ],
        [
            "I work in tech and I would not trust these models with a parking ticket.",
            "As someone who trains machine learning models, I know how brittle they are.",
            "The training data behind these products is a mess nobody audits.",
        ],
    ],
    "moratorium": [
        [
            "The RMV has run thousands of face searches for police without any warrant.",
            "I was shocked that my license photo can be searched by {agency} with no court order.",
            "Nobody asked me before my driver's license picture became part of a lineup.",
            "My RMV photo was taken to let me drive, not to put me in a perpetual lineup.",
            "I learned from a news story that police search license photos all the time.",
        ],
        [
            "A pause until the legislature studies this seems like the least we can do.",
            "Slowing down is reasonable when we don't know who gets misidentified.",
            "Pausing is not the same as banning; it gives {agency} time to show it works.",
            "Waiting a few years while a commission studies it hurts no one.",
            "We paused other risky things until we understood them; do the same here.",
        ],
        [
            "My {relative} works in {town} schools, where cameras are now everywhere.",
            "Schools in {town} were pitched face-scanning cameras last year.",
            "I don't want kids in {town} scanned on their way into class.",
            "A vendor demoed face scanning at our school committee meeting in {town}.",
        ],
        [
            "Towns like {town} passed local bans; the state should catch up.",
            "It makes no sense that a patchwork of town bans stops at the city line.",
            "Somerville banned it years ago and nothing bad happened there.",
            "Local bans protect me at home and vanish when I drive to work.",
            "Why should my rights change when I cross from {town} into the next town?",
        ],
        [
            "Companies selling this to police won't say how their systems were tested.",
            "Ask the vendors for their accuracy numbers on older women and Black men.",
            "Until a vendor publishes its error rates, {agency} should not buy anything.",
            "Clearview scraped our photos from social media without asking anyone.",
        ],
        [
            "In {month} I sat through a hearing where not one witness defended the status quo.",
            "I testified on this in {year} and here we are again.",
            "I have written about this bill {count} times now.",
            "Every session this bill gets a hearing and then nothing happens.",
        ],
        [
            "Warrants exist for a reason and a face search is a search.",
            "If police need a warrant for my phone, they need one for my face.",
            "The Fourth Amendment did not anticipate this, so the legislature has to.",
        ],
        [
            "As a defence attorney I have never once been told a face match was used.",
            "Defendants deserve to know when a computer picked them out.",
            "Prosecutors should disclose face recognition the way they disclose lineups.",
        ],
    ],
}
EXTRAS = {
    "pct": ["35%", "a third", "nearly 35 percent", "one in three", "over thirty percent"],
    "relative": ["son", "daughter", "brother", "grandson", "niece", "husband", "neighbor"],
    "place": ["Detroit", "Michigan", "New Jersey", "Farmington Hills", "a Detroit suburb"],
    "month": ["June", "July", "the summer of 2020", "January", "the spring"],
    "town": [
        "Cambridge",
        "Brookline",
        "Springfield",
        "Northampton",
        "Easthampton",
        "Somerville",
    ],
    "street": ["Blue Hill Avenue", "Centre Street", "Dudley Street", "Washington Street"],
    "count": ["five", "seven", "nine", "twelve", "eleven", "fourteen"],
    "line": ["Orange Line", "Red Line", "Green Line", "Blue Line"],
    "agency": ["the RMV", "the state police", "the FBI", "ICE", "local departments"],
    "year": ["2019", "2020", "2021", "2022"],
}
STANCES = {
    "boston_ban": [
        "I support the face surveillance ban.",
        "Please pass Docket #0683.",
        "Count me in favour of the ordinance.",
        "I want this ban passed, and passed soon.",
        "I'm undecided, honestly, but leaning toward a ban.",
        "I have doubts about a total ban but the concerns are real.",
        "I'd vote yes on this if I were on the council.",
        "My {relative} and I both want the ordinance to pass.",
        "If you need one more voice from {street} for the ban, here it is.",
        "The ban is the right call for the city.",
        "Put me down as a yes on banning face surveillance.",
        "I came to this skeptical and ended up for the ordinance.",
    ],
    "moratorium": [
        "I support the moratorium in H.1538 and S.1385.",
        "Please report the moratorium bill out favorably.",
        "I favour a statewide pause on face recognition.",
        "I'm asking you to move the moratorium forward.",
        "I have mixed feelings about the moratorium, but leaning yes.",
        "I'd rather see strict rules than a pause, but something must pass.",
        "My {relative} in {town} asked me to write in support too.",
        "A pause is overdue, in my view.",
        "I back S.1385, and H.1538 is the same bill, so both.",
        "Yes to the moratorium, from a voter who rarely writes.",
        "Please don't let this bill die in committee again.",
    ],
}
# How a statement names its hearing, for statements sent to two hearings.
HEARINGS = {
    "boston_ban": [
        "today's hearing on the face surveillance ban",
        "the working session on Docket #0683",
        "the Committee on Government Operations hearing on Docket #0683",
    ],
    "moratorium": [
        "the Judiciary Committee hearing on H.1538",
        "the hearing on S.1385",
        "the Judiciary hearing on the face recognition moratorium",
    ],
}
