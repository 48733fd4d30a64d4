"""Real comments from the public record, for the campaign tests: three form letters, a few of
the personalised copies residents actually sent, and comments on the same topics that belong
to no campaign of these three.

Copied from regulations.gov dockets EPA-R06-OAR-2020-0510 (the Bluewater Terminal air permit)
and EPA-HQ-OLEM-2019-0361 (coal ash permits), as published by the federal CDO Council's
public-comment analysis pilot. Spelling, spacing and line breaks are as submitted; long
comments are cut after a few sentences. Tests never read the original files.
"""

# Form letter 1 (regulations.gov EPA-R06-OAR-2020-0510, Bluewater Terminal permit).
CRUDE_EXPORT = (
    "I live in Texas and my comment is on permit application EPA-R06-OAR-2020-0510 relating to "
    "the PSD preconstruction permit, the Title V operating permit, and the 112(g) NOMA. The "
    "Bluewater crude export facility would put more than  20,000 tons of air pollution "
    "including hazardous toxic emissions that threaten human health, wildlife, and the "
    "sensitive bay ecosystems around Port Aransas and Corpus Christi. I oppose the project and "
    "I want my concerns to be heard."
)

# Sentences added at the end.
CRUDE_EXPORT_HUNTER = (
    "I live in Texas and my comment is on permit application EPA-R06-OAR-2020-0510 relating to "
    "the PSD preconstruction permit, the Title V operating permit, and the 112(g) NOMA. The "
    "Bluewater crude export facility would put more than  20,000 tons of air pollution "
    "including hazardous toxic emissions that threaten human health, wildlife, and the "
    "sensitive bay ecosystems around Port Aransas and Corpus Christi. I oppose the project and "
    "I want my concerns to be heard. I want to protect the wildlife of Texas so that I can "
    "safely hunt and fish the land. One day I hope to have a family that I can take to fish and "
    "swim these areas. Please protect the areas future by protecting the delicate ecosystems of "
    "Texas."
)

# A sentence added in the middle and one at the end.
CRUDE_EXPORT_SINUSES = (
    "I live in Texas and my comment is on permit application EPA-R06-OAR-2020-0510 relating to "
    "the PSD preconstruction permit, the Title V operating permit, and the 112(g) NOMA. The "
    "Bluewater crude export facility would put more than  20,000 tons of air pollution "
    "including hazardous toxic emissions that threaten human health, wildlife, and the "
    "sensitive bay ecosystems around Port Aransas and Corpus Christi. I myself has experienced "
    "my sinuses acting up when there is a large blow out of air pollution, and I have concern "
    "for folks who have asthma and COPD. I oppose the project and I want my concerns to be "
    "heard.\n\nI appreciate that the EPA scheduled a hearing after there was an outpouring of "
    "interest."
)

# A paragraph added at the end.
CRUDE_EXPORT_PIPELINE = (
    "I live in Texas and my comment is on permit application EPA-R06-OAR-2020-0510 relating to "
    "the PSD preconstruction permit, the Title V operating permit, and the 112(g) NOMA. The "
    "Bluewater crude export facility would put more than  20,000 tons of air pollution "
    "including hazardous toxic emissions that threaten human health, wildlife, and the "
    "sensitive bay ecosystems around Port Aransas and Corpus Christi. I oppose the project and "
    "I want my concerns to be heard.\n\nAs a property owner along the proposed pipeline I have "
    "concerns not just about air pollution but pipes leaking. How would spills be detected and "
    "cleaned up? What are the environmental and public health impacts of pollution from this "
    "project?  These answers should be complete and clearly communicated to all those who would "
    "be impacted."
)

# Form letter 2, same docket: it opens with the same sentence as letter 1.
CONCERNS = (
    "I live in Texas and my comment is on permit application EPA-R06-OAR-2020-0510 relating to "
    "the PSD preconstruction permit, the title V operating permit, and the 112(g) NOMA.\nI want "
    "to express my concerns about Bluewater Terminal LLC's dangerous request to pump almost "
    "20,000 tons per year including hazardous toxic emissions into the air around San Jose "
    "Island and Port Aransas.  Many Texans go there and enjoy recreating there. We dont want "
    "huge oil carriers spoiling it."
)

# Two words and a closing sentence added.
CONCERNS_COASTLINE = (
    "I live in Texas and my comment is on permit application EPA-R06-OAR-2020-0510 relating to "
    "the PSD preconstruction permit, the title V operating permit, and the 112(g) NOMA.\nI want "
    "to express my concerns about Bluewater Terminal LLC's dangerous request to pump almost "
    "20,000 tons per year including hazardous toxic emissions including benzene into the air "
    "around San Jose Island and Port Aransas.  Many Texans go there and enjoy recreating there. "
    "We dont want huge oil carriers spoiling it. I don't want this industry to mar our pristine "
    "coastline."
)

# The opening words swapped for the writer's own.
CONCERNS_PROPERTY = (
    "I own property in proximity to Bluewater LLC's proposed onshore facility, and my comment "
    "is on permit application EPA-R06-OAR-2020-0510 relating to the PSD preconstruction permit, "
    "the title V operating permit, and the 112(g) NOMA.\nI want to express my concerns about "
    "Bluewater Terminal LLC's dangerous request to pump almost 20,000 tons per year including "
    "hazardous toxic emissions including benzene into the air around San Jose Island and Port "
    "Aransas.  Many Texans go there and enjoy recreating there. We dont want huge oil carriers "
    "spoiling it."
)

# A paragraph added at the end.
CONCERNS_WARMING = (
    "I live in Texas and my comment is on permit application EPA-R06-OAR-2020-0510 relating to "
    "the PSD preconstruction permit, the title V operating permit, and the 112(g) NOMA.\nI want "
    "to express my concerns about Bluewater Terminal LLC's dangerous request to pump almost "
    "20,000 tons per year including hazardous toxic emissions into the air around San Jose "
    "Island and Port Aransas.  Many Texans go there and enjoy recreating there. We dont want "
    "huge oil carriers spoiling it.\n\nIn addition, we are already experiencing severe effects "
    "from global warming. Any additional carbon will further compound the problem and "
    "accelerate threats from flooding. This is already a major problem along the coast line. "
    "Please do not make it worse by approving this application."
)

# Form letter 3 (EPA-HQ-OLEM-2019-0361, coal ash permits).
COAL_ASH = (
    "I am opposed to any and all the attempts to repeal or weaken clean water protections "
    "against toxic coal ash.\n \nClean water is the lifeblood of our communities, but too many "
    "of us  especially communities of color and low-wealth communities that disproportionately "
    "live on the front lines of toxic pollution  have to worry about pollution leaking from "
    "coal ash ponds, threatening our drinking water and the health of our families.\n \nWe "
    "cannot rely on the utilities and coal ash pond operators to set their own standards or "
    "decide if they want to clean up their pollution. This proposal to allow dangerous, leaky "
    "unlined ponds to continue operating and even allowing reopening of pits that were "
    "scheduled to close is reckless, prioritizes industry profits over our public health, and "
    "should be abandoned."
)

# A paragraph added before the letter.
COAL_ASH_CRIMINAL = (
    "Weaker pollution standards cost people's lives.  We've made progress.  It is criminal to "
    "reverse it.\n\nI am opposed to any and all the attempts to repeal or weaken clean water "
    "protections against toxic coal ash.\n \nClean water is the lifeblood of our communities, "
    "but too many of us  especially communities of color and low-wealth communities that "
    "disproportionately live on the front lines of toxic pollution  have to worry about "
    "pollution leaking from coal ash ponds, threatening our drinking water and the health of "
    "our families.\n \nWe cannot rely on the utilities and coal ash pond operators to set their "
    "own standards or decide if they want to clean up their pollution. This proposal to allow "
    "dangerous, leaky unlined ponds to continue operating and even allowing reopening of pits "
    "that were scheduled to close is reckless, prioritizes industry profits over our public "
    "health, and should be abandoned."
)

# A sentence added after the letter.
COAL_ASH_PANDEMICS = (
    "I am opposed to any and all the attempts to repeal or weaken clean water protections "
    "against toxic coal ash.\n \nClean water is the lifeblood of our communities, but too many "
    "of us  especially communities of color and low-wealth communities that disproportionately "
    "live on the front lines of toxic pollution  have to worry about pollution leaking from "
    "coal ash ponds, threatening our drinking water and the health of our families.\n \nWe "
    "cannot rely on the utilities and coal ash pond operators to set their own standards or "
    "decide if they want to clean up their pollution. This proposal to allow dangerous, leaky "
    "unlined ponds to continue operating and even allowing reopening of pits that were "
    "scheduled to close is reckless, prioritizes industry profits over our public health, and "
    "should be abandoned.\n\nAllowing increases in water pollution will adversely affect the "
    "health of U.S. citizens, potentially exacerbating their response to current and future "
    "pandemics and leading to more deaths."
)

# Words left out and sentences split: no sentence added.
COAL_ASH_REWORDED = (
    "I am opposed to any attempts to repeal or weaken clean water protections against toxic "
    "coal ash.\n \nClean water is the lifeblood of our communities.  Too many of us,especially "
    "communities of color and low-wealth disproportionately live on the front lines of toxic "
    "pollution. They have to worry about pollution leaking from coal ash ponds, threatening "
    "threatening drinking water, and the health of families.\n \nWe cannot rely on the "
    "utilities and coal ash pond operators to set their own standards or decide if they want to "
    "clean up their pollution. The proposal to allow dangerous, leaky unlined ponds to continue "
    "operating, and even allowing reopening of pits that were scheduled to close is reckless. "
    "It prioritizes industry profits over our public health, and should be abandoned."
)

# Comments in no campaign of these three. Another Bluewater letter with letter 1's opening:
OPPOSE_PLANS = (
    "Im a Texas resident and my comment is on permit application EPA-R06-OAR-2020-0510 relating "
    "to the PSD preconstruction permit, the Title V operating permit, and the 112(g) NOMA.  I "
    "oppose  Bluewater Terminal plans to emit so much air pollution off the Texas Gulf Coast "
    "without any pollution controls. Please deny permission to pollute. There are already too "
    "many air pollution sources in the Coastal Bend and high rates of asthma."
)

# ... and one more with that opening.
PUBLIC_MEETING = (
    "Im a Texas resident and my comment is on permit application EPA-R06-OAR-2020-0510 relating "
    "to the PSD preconstruction permit, the title V operating permit, and the 112(g) NOMA.  "
    "Please hold a public meeting and extend the comments period so everyone has the "
    "opportunity to participate in the process. The current submission form with multiple "
    "locations for comments makes it difficult for people to comment."
)

# In favour of the terminal.
COASTAL_BEND = (
    "The Coastal Bend is known for its great beaches, fun outdoor activities, and tourism; but "
    "it\u2019s also known for being a primary energy hub for our country and a place where people "
    "from our communities live and work.\n\nAs Texan\u2019s we have a sense of pride about what we "
    "do and we know the impact we make here and around the world by giving people access to "
    "energy \u2013 and we\u2019re proud to do so!\n\nCritical energy projects, like Bluewater "
    "Texas Deepwater Port are important for our state and our country to provide economic "
    "growth as we try to recover the tens of thousands of jobs and other economic losses that "
    "stem from the pandemic."
)

# Letter 3's first sentence, then the writer's own words.
COAL_ASH_COVID = (
    "I am opposed to any and all the attempts to repeal or weaken clean water protections "
    "against toxic coal ash. Especially in light of the lessened pollution and improved air and "
    "water quality observed  during shutdowns of industry due to COVID-19 it should be obvious "
    "that existing rules and regulations need to be enforced at the least, and strengthened in "
    "the future.\n\nNo matter the wealth to be gained, nor the cost to do so, our Earth's air, "
    "water, and soil needs protected world-wide and the U.S. should be a leader in doing so."
)

PERMITTING_PROPOSAL = (
    "I strongly oppose EPA's Coal Ash Permitting Proposal.  EPA's purpose is to protect the "
    "environment and the public.  These changes would increase toxic pollution in the ground "
    "and in water, allowing industry to dispose of toxic substances with no accountability to "
    "the public.  Greed and profit are the only reasons to allow these changes.  The proposed "
    "changes are polluting and strongly detrimental to people, resources and the planet we all "
    "need to respect and nurture.  EPA needs to fulfill its mission, not be perverted in its "
    "purpose."
)

SOLIDARITY = (
    "MY NAME IS SABRINA HERRERA and stand in solidarity with the Indigenous people whose land "
    "we inhabit. Passing this federal regulation will further jeopardize the health of "
    "vulnerable populations that are predisposed to experience disparate environmental "
    "conditions."
)

COMMENTING_AGAINST = (
    "I am commenting against EPA's Coal Ash Permitting Proposal (Docket # "
    "EPA-HQ-OLEM-2019-0361). This proposal weakens the 2015 coal ash rule safeguards.  It needs "
    "to be withdrawn.\n\n\nThe 2015 Coal Ash Rule safeguards are supported by sound science and "
    "common sense."
)

CAMPAIGNS = (
    (CRUDE_EXPORT, CRUDE_EXPORT_HUNTER, CRUDE_EXPORT_SINUSES, CRUDE_EXPORT_PIPELINE),
    (CONCERNS, CONCERNS_COASTLINE, CONCERNS_PROPERTY, CONCERNS_WARMING),
    (COAL_ASH, COAL_ASH_CRIMINAL, COAL_ASH_PANDEMICS, COAL_ASH_REWORDED),
)
UNRELATED = (
    OPPOSE_PLANS,
    PUBLIC_MEETING,
    COASTAL_BEND,
    COAL_ASH_COVID,
    PERMITTING_PROPOSAL,
    SOLIDARITY,
    COMMENTING_AGAINST,
)
# What COAL_ASH_PANDEMICS adds to the letter.
PANDEMICS_SENTENCE = (
    "Allowing increases in water pollution will adversely affect the health of U.S. citizens, "
    "potentially exacerbating their response to current and future pandemics and leading to "
    "more deaths."
)
assert PANDEMICS_SENTENCE in COAL_ASH_PANDEMICS


# Hand-written, not from the record: a spinning bot's template for a face surveillance ban,
# in two sentence skeletons. Every copy keeps a skeleton and picks one phrase per slot, how
# the letter names the ban included; copies share the same function words in the same places
# but few three-word sequences.
SPUN_SLOTS = {
    "greeting": ("Dear members of the council,", "Dear councillors,", "To the city council,"),
    "ask": ("I urge", "I ask", "I want to encourage", "I call on"),
    "whom": ("the council", "the committee", "our councillors", "you"),
    "act": ("to pass", "to adopt", "to approve", "to vote for"),
    "subject": (
        "this ban on face surveillance",
        "these limits on facial recognition",
        "the proposed facial recognition ban",
        "this ordinance banning face scanning",
    ),
    "tech": ("Face surveillance", "Facial recognition", "This technology", "Face scanning"),
    "flaw": ("is inaccurate", "makes mistakes", "gets people wrong", "is unreliable"),
    "wrong": ("misidentifies", "wrongly flags", "falsely matches", "mistakes"),
    "who": ("people of color", "Black residents", "women and minorities", "darker skinned people"),
    "rate": ("at much higher rates", "far more often", "more frequently", "at alarming rates"),
    "harm": ("It threatens", "It undermines", "It endangers", "It puts at risk"),
    "rights": (
        "our privacy",
        "our civil liberties",
        "our basic rights",
        "the freedom of residents",
    ),
    "chill": ("chills", "discourages", "suppresses", "deters"),
    "speech": ("free speech", "peaceful protest", "political expression", "our right to assemble"),
    "others": ("Other cities", "San Francisco and Boston", "Many municipalities", "Other towns"),
    "already": ("have already", "already have", "have recently"),
    "banned": ("banned", "prohibited", "outlawed", "stopped"),
    "it": ("this technology", "its use", "face surveillance", "government use of it"),
    "please": ("Please", "I hope you will", "I ask you to", "Kindly"),
    "stand": ("stand with", "protect", "listen to", "side with"),
    "people": ("the residents of this city", "your constituents", "our community"),
    "vote": ("vote yes", "support the ban", "pass the ordinance", "approve these limits"),
    "thanks": ("Thank you.", "Sincerely.", "Respectfully.", "With thanks."),
}
SPUN_SKELETONS = (
    "{greeting} {ask} {whom} {act} {subject}. {tech} {flaw} and {wrong} {who} {rate}. {harm} "
    "{rights} and {chill} {speech}. {others} {already} {banned} {it}. {please} {stand} {people} "
    "and {vote}. {thanks}",
    "{greeting} As a resident, I am writing to support {subject}. {others} {already} {banned} "
    "{it}. {tech} {flaw} and {wrong} {who} {rate}. {harm} {rights} and {chill} {speech}. "
    "{please} {stand} {people} and {vote}. {thanks}",
)

# Residents' own letters on the same ban, sharing its talking points and key terms.
FACE_OWN = (
    "I have lived on the east side for thirty years and I have watched the cameras go up on "
    "every corner. Facial recognition makes mistakes, and when it does it is people like my "
    "grandson who get stopped. I read that it misidentifies Black residents far more often. "
    "Please pass the ban before the police department signs another contract.",
    "As a software engineer I build systems that recognise images, and I would never trust one "
    "of them to decide who the police question. The error rates for women and people of color "
    "are not a rounding error. Other cities have banned face surveillance and the sky did not "
    "fall. Vote yes on the ordinance.",
    "My daughter marched in the protest downtown last summer and she told me afterwards that "
    "she was afraid her face would end up in some database. That fear alone chills free speech. "
    "I ask the council to adopt the limits on facial recognition and to hold public hearings "
    "before any new surveillance is bought.",
    "I am a retired librarian. We fought for decades to keep reading records private, and face "
    "scanning in public places is the same fight in a new form. Our civil liberties should not "
    "depend on a vendor's accuracy claims. I support the ban and thank the councillors who "
    "wrote it.",
)

# Whole sentences residents copy from a flyer or an advocacy page into their own letters: each
# letter takes a few of them, in its own order, between its own greeting and closing. Two
# letters often share a sentence or two; none is a copy of another.
TALKING_POINTS = (
    "Face surveillance gets darker skinned women wrong far more often than anyone else.",
    "The police department has never told us how many scans it has already run.",
    "A ban is easier to pass now than it will be to undo a system in five years.",
    "Cameras at protests keep people home who would otherwise speak up.",
    "Nobody in my building agreed to have their face stored in a police database.",
    "Vendors promise accuracy that independent researchers have never been able to reproduce.",
    "Robert Williams spent a night in jail because software matched the wrong man.",
    "Immigrant families already avoid the library and the clinic for fear of being watched.",
    "Other cities in the Commonwealth have passed bans without any rise in crime.",
    "Once the images are shared with federal agencies we lose any say over them.",
    "Our schools should never become places where children are scanned every morning.",
    "A warrant requirement is the least the council owes the people it serves.",
    "Data breaches at surveillance companies have exposed millions of faces already.",
    "The money would do more good spent on youth jobs and mental health responders.",
    "I do not want my bus stop to be a checkpoint.",
    "The technology improves faster than our laws, which is why limits must come first.",
    "Tenants in public housing should not be the first to live under these cameras.",
    "Misidentification is not a small glitch when the result is an arrest.",
    "Commercial databases scrape our photos from social media without asking anyone.",
    "There is no audit anyone outside the department could read.",
)
TALKING_POINT_GREETINGS = (
    "Dear Councillors,", "To the City Council,", "Hello,", "Dear members of the committee,",
    "To whom it may concern,", "Good afternoon,",
)  # fmt: skip
TALKING_POINT_CLOSINGS = (
    "Thank you for listening.", "Please vote yes.", "Sincerely, a neighbor.",
    "Thanks for your time.", "Respectfully submitted.", "I hope you will act.",
)  # fmt: skip
