"""Hand-written material for the synthetic campaign corpus (bench/campaign_corpus.py): synonyms
real senders swap in, sentences and names for the personal touches they add, salutations and
signatures, the frames a resident puts around a line quoted from a form letter, and the spintax
templates of the bot campaigns.
"""

from __future__ import annotations


def _items(text: str, sep: str | None = None) -> list[str]:
    """Words (sep None), lines (sep "\\n") or sep-separated items of a block of text."""
    if sep and sep != "\n":
        text = text.replace("\n", "")
    parts = text.splitlines() if sep == "\n" else text.split(sep)
    return [part.strip() for part in parts if part.strip()]


SYNONYMS = dict(
    pair.split("=")
    for pair in _items(
        """
important=crucial significant=substantial protect=safeguard protecting=safeguarding
protection=safeguard protections=safeguards dangerous=hazardous harmful=damaging
strongly=firmly urge=implore oppose=reject opposed=against proposed=planned proposal=plan
rule=regulation rules=regulations children=kids child=kid people=individuals help=assist
many=numerous use=utilize show=demonstrate shows=demonstrates believe=think also=additionally
because=since however=nevertheless large=big small=little community=neighborhood
communities=neighborhoods family=household families=households increase=raise reduce=lower
risk=danger risks=dangers serious=grave threat=menace ensure=guarantee support=back
continue=keep stop=halt allow=permit need=require needs=requires know=realize get=obtain
very=extremely really=truly clearly=plainly simply=merely essential=vital critical=crucial
major=key provide=offer provides=offers effects=impacts impacts=effects evidence=proof
concerned=worried worried=concerned toxic=poisonous pollution=contamination weaken=undermine
strengthen=reinforce decision=choice decisions=choices country=nation nation=country
everyone=everybody anyone=anybody someone=somebody citizens=residents public=community
health=wellbeing future=tomorrow environment=nature environmental=ecological damage=harm
kill=destroy killing=destroying poison=toxin poisons=toxins unfair=unjust fair=just
ask=request asking=requesting please=kindly agency=department government=administration
regulation=rule regulations=rules current=existing existing=current areas=regions area=region
state=commonwealth illegal=unlawful safety=security safe=secure healthy=wholesome
clean=pure dirty=polluted water=waters air=atmosphere land=lands wildlife=animals
animals=creatures studies=research study=research data=information science=research
scientific=research-based scientists=researchers industry=business companies=corporations
money=funds cost=expense costs=expenses jobs=employment workers=employees basic=fundamental
access=entry vital=essential deny=refuse denied=refused discrimination=bias fight=combat
immediately=promptly soon=shortly now=today today=now together=jointly ability=capacity
"""
    )
)

PERSONAL = _items(
    """
As a {occupation} in {town}, I see what dirty air does to children.
I have lived in {town} for over twenty years and raised {family} here.
I am a {occupation} and a parent, and I worry about {family} every day.
My name is {name} and I live in {town}.
I am writing from {town}, where {family} and I have seen the changes firsthand.
As a {occupation}, I read the science for a living, and it is not ambiguous.
Every summer in {town} the air gets worse, and {family} feel it.
I am a lifelong resident of {town} and a {occupation} by trade.
{family} drink the water in {town}, so this is personal for me.
I grew up near a power plant outside {town}, and I know what it costs.
I am a retired {occupation} living in {town}.
Please hear me as a voter in {town} and as the parent of {family}.
I spend weekends fishing with {family} near {town}.
As a {occupation}, I have watched neighbors in {town} get sick.
We moved to {town} for the clean air, and I want {family} to keep it.
I am a {occupation} and I vote in every election.
I farm a small plot near {town} and depend on healthy soil.
In {town} we already have enough problems with pollution.
I care for {family}, and I cannot afford for them to get sick.
I am writing on behalf of {family} and myself.
As someone who works as a {occupation}, I see the effects of this every week.
My family has lived in {town} for three generations.
I teach school in {town}, and some of my students have asthma.
I am a {occupation} and a grandparent who cares about the next generation.
I volunteer at a food pantry in {town}, and the need keeps growing.
I have hiked the rivers around {town} since I was a kid.
I live downstream from a coal plant near {town}.
Our neighborhood in {town} is surrounded by farms that spray every spring.
I am a small business owner in {town}.
{family} have asthma, and bad air days keep them inside.
As a {occupation} in {town}, I know how much families rely on these programs.
I am a veteran living in {town}, and I served so this country could do better.
As a mother in {town}, I think about this every time I fill a glass of water.
As a father in {town}, I want {family} to grow up safe.
I am a {occupation} who has worked in {town} for fifteen years.
Last year {family} were sick for weeks, and the doctor blamed the air.
I am a member of my church council in {town}.
I have been a {occupation} for most of my life and I have never written a comment before.
Our well in {town} was tested last year and the results scared us.
I am not an expert, just a {occupation} from {town} who pays attention.
I raise bees near {town} and I have lost hives to pesticides.
My town, {town}, sits right next to an industrial corridor.
I write as a nurse, a neighbor and a resident of {town}.
As a {occupation}, I see the people these rules are meant to protect.
I live in {town} with {family}, and we all care about this.
I am a student in {town} and this is the world I will inherit.
Please consider people like {family} in {town} when you decide.
We have a garden in {town} and we eat what we grow.
I have watched the creek behind our house in {town} change color.
I am a {occupation} and I see hungry kids in {town} every week.
My parents worked the fields near {town} for thirty years.
{family} depend on school lunches in {town}.
I am a hunter and angler from {town}.
I am a pediatric {occupation} in {town}, and I see the damage up close.
I have lived near {town} my whole life and never seen it this bad.
I am a taxpayer in {town} and I expect my government to protect us.
As a {occupation} in {town}, I am proud of my community and want it protected.
I am writing this at my kitchen table in {town} with {family} asleep upstairs.
As a {occupation}, I cannot stay silent on this.
I live in {town} and I am tired of being treated as a sacrifice zone.
I coach youth soccer in {town}, and on some days the kids cannot play outside.
As a {occupation}, I know these programs keep families in {town} afloat.
I walk our dog along the river in {town} most mornings, and some days the smell is awful.
{family} and I moved here {years} years ago, and we planned to stay for good.
I was diagnosed with asthma {years} years ago, and my inhaler is never far away.
My doctor in {town} told me to stay indoors on bad days, and there are more of them now.
I run a small {business} in {town}, and my customers talk about this all the time.
I have paid taxes for {years} years and I expect the agency to listen.
On weekends I volunteer with a watershed group near {town}.
I am writing during my lunch break as a {occupation}, so I will keep it short.
When I was young, the creeks near {town} were full of fish.
My neighbor in {town} lost her husband to lung cancer last year.
I have two jobs and no time for politics, but this matters to me.
{family} spend every summer outdoors near {town}.
I have never been an activist, but I read the proposal and it worried me.
Our church in {town} runs a clothing drive and a food bank.
I worked {years} years as a {occupation} before I retired in {town}.
We get our drinking water from a private well outside {town}.
I hunt deer every fall near {town} and I have seen fewer animals each year.
My grandmother in {town} keeps an air purifier running day and night.
I sit on the parent council at our school in {town}.
My street in {town} is a mile from the plant, and you can taste the air on some days.
I run a {business} near {town} that depends on visitors who come for the outdoors.
I have watched the hawks over {town} for {years} years, and there are fewer now.
I am a {occupation}, not a scientist, but I know when something smells wrong.
{family} were born in {town}, and I want them to be able to stay.
I read every notice the county sends us about the air in {town}.
We keep chickens and a vegetable garden behind our house in {town}.
I am the first in my family to go to college, and I studied to become a {occupation}.
My commute takes me past the refinery outside {town} every day.
I have been sober for {years} years and I volunteer at a shelter in {town}.
""",
    "\n",
)
TOWNS = _items(
    """Dayton, OH|Toledo, OH|Gary, IN|Flint, MI|Pueblo, CO|Bend, OR|Corpus Christi, TX|Erie, PA|
Port Arthur, TX|Baton Rouge, LA|Fresno, CA|Bakersfield, CA|Salinas, CA|Duluth, MN|Peoria, IL|
Cedar Rapids, IA|Asheville, NC|Roanoke, VA|Scranton, PA|Wheeling, WV|Knoxville, TN|Tulsa, OK|
Tucson, AZ|Santa Fe, NM|Boise, ID|Missoula, MT|Burlington, VT|Portland, ME|Albany, NY|Omaha, NE|
Macon, GA|Mobile, AL|Jackson, MS|Little Rock, AR|Wichita, KS|Fargo, ND""",
    "|",
)
OCCUPATIONS = _items(
    """nurse|teacher|pediatrician|farmer|electrician|pharmacist|social worker|carpenter|chef|
school bus driver|librarian|firefighter|engineer|dental hygienist|biologist|truck driver|lawyer|
accountant|home health aide|minister|fisherman|mechanic|physician|paramedic|gardener|plumber|
professor|waitress|respiratory therapist|veterinarian""",
    "|",
)
FAMILY = _items(
    """my two daughters|my sons|my elderly parents|my grandchildren|my wife and our baby|my kids|
my husband and kids|my three children|my parents|my twin boys|my partner and our kids|my nephews|
my granddaughters|my little girls|my aging parents|my newborn twins""",
    "|",
)
BUSINESSES = _items(
    """bakery|hardware store|daycare|bike shop|fishing charter|diner|landscaping business|
bookshop|plumbing company|farm stand|coffee shop|auto repair shop|flower shop""",
    "|",
)
FIRST = _items("Mary James Linda Robert Maria Jose Keisha Wei Fatima David Susan Carlos Priya")
LAST = _items("Smith Johnson Garcia Nguyen Brown Patel Okafor Miller Davis Chen Walsh Lopez Kim")
SALUTATIONS = [
    *("Dear Administrator,", "To whom it may concern:", "Dear EPA officials,", "Hello,"),
    *("Dear Sir or Madam,", "Dear Secretary,", "To the docket officer:", "Greetings,", ""),
]
SIGNATURES = [
    *("Sincerely,\n{name}\n{town}", "Thank you,\n{name}", "Respectfully,\n{name}"),
    *("{name}, {town}", "Best regards,\n{name}", ""),
]

# How a resident's own letter quotes one line ({q}) of a form letter: mostly bare, else after a
# word or two, so that two residents quoting the same line share little more than the line.
QUOTE_FRAMES = [
    *("{q}", "{q}", "{q}", '"{q}"', '"{q}"', 'I agree: "{q}"', 'Well said: "{q}"'),
    *("Exactly. {q}", 'As others wrote, "{q}"', "True: {q}", 'Agreed, "{q}"', "Yes! {q}"),
    *('Quote: "{q}"', "{q} So true.", "{q} Well put.", "{q} I agree."),
]

BOT_TEMPLATES = [
    # EPA air rules (anti-regulation, like the FCC bot).
    "{Dear EPA officials|To the Environmental Protection Agency|Dear Administrator and staff|"
    "To the EPA docket managers}, {I am writing to|I want to|I would like to|I am contacting you "
    "to} {urge you to|ask you to|call on you to|encourage you to} {roll back the costly|repeal "
    "the expensive|reverse the burdensome|do away with the heavy-handed|undo the overreaching} "
    "{air emission rules|clean air mandates|power plant standards|smokestack regulations}. "
    "{These rules drive up|Such mandates push up|The standards inflate|This red tape increases} "
    "{energy bills for|electricity costs for|power prices for|utility rates for} {working "
    "families|hardworking Americans|ordinary households|everyday consumers|middle-class "
    "families} {and destroy jobs in|while killing jobs in|and eliminate work in|and cost good "
    "jobs in} {manufacturing towns|rural communities|coal country|small-town America}. "
    "{Washington bureaucrats|Unelected regulators|Federal officials in DC|Career bureaucrats "
    "in Washington} {should not dictate|must not decide|have no business deciding|ought not "
    "to control} {how states manage their air|how states protect their own air|the way states "
    "handle air quality|how local governments run clean air programs}. {Please return this "
    "authority|Kindly give this power back|I ask you to restore control|Hand this decision "
    "back} {to the states|to state governments|to local leaders|to the people closest to it} "
    "{and let them|so they can|and allow them to|so that they may} {balance jobs and "
    "health|weigh costs against benefits|find sensible local solutions|set rules that fit "
    "their needs}. {Thank you very much|Thank you for your time|Many thanks for "
    "listening|I appreciate your attention}.",
    # EPA water: coal ash.
    "{Dear EPA staff|To the EPA|Dear Administrator Wheeler|To whom it may concern}, {I strongly "
    "oppose|I firmly object to|I am against|I stand firmly against|I cannot support} {any "
    "weakening of|efforts to weaken|attempts to roll back|this effort to gut|any rollback of} "
    "{the safeguards that keep|the protections that keep|the rules that keep|the standards "
    "keeping} {coal ash out of|toxic coal waste out of|poisonous ash out of|dangerous coal "
    "residue away from} {our rivers and lakes|our drinking water|the water we drink|local "
    "streams and wells}. {Coal ash contains|This waste is full of|Coal ash carries|These "
    "dumps hold} {arsenic, lead and mercury|toxic heavy metals|arsenic and other poisons|lead, "
    "chromium and selenium} {that seep into|which leach into|that leak into|that end up in} "
    "{groundwater near|the aquifers beneath|drinking water supplies near|wells close to} "
    "{power plants across the country|hundreds of plants nationwide|coal plants in every "
    "region|dozens of utility sites}. {Families living nearby|People in these "
    "neighborhoods|Nearby residents|Children near these sites} {already face|are already "
    "exposed to|already suffer from|already endure} {higher cancer risks|elevated rates of "
    "cancer|serious health threats|dangerous levels of pollution}. {The EPA must|Your agency "
    "must|I urge the agency to|The agency should} {keep the 2015 protections|enforce the "
    "existing rules|strengthen these safeguards|uphold the current standards} {rather than "
    "giving|instead of handing|rather than granting|instead of offering} {utilities a free "
    "pass|polluters more loopholes|industry another exemption|coal companies special favors}.",
    # Pesticides.
    "{As a concerned citizen|As a parent and consumer|As someone who eats food|As an American "
    "who cares}, {I ask the EPA to|I urge the agency to|I call on EPA to|I want the EPA to} "
    "{ban the use of|prohibit the spraying of|phase out|stop approving} {chlorpyrifos and "
    "similar pesticides|these dangerous pesticides|neurotoxic farm chemicals|this family of "
    "toxic insecticides}. {Study after study shows|The science clearly shows|Research has "
    "found|Independent scientists have shown} {that these chemicals|that such pesticides|that "
    "these compounds|that these sprays} {harm the developing brains of|damage the nervous "
    "systems of|impair brain development in|threaten the health of} {babies and young "
    "children|infants and toddlers|kids in farm towns|children and pregnant women}. "
    "{Farmworkers and their families|Rural families|The people who grow our food|Workers in "
    "the fields} {breathe in the drift|are exposed every season|carry residues home|face the "
    "highest exposure} {and have no way to|with no means to|and cannot easily|without any "
    "ability to} {protect themselves|avoid the danger|shield their kids|keep themselves "
    "safe}. {Safer alternatives|Effective substitutes|Less toxic options|Proven safer "
    "methods} {already exist|are already available|are widely used|are on the market}, {so "
    "there is no reason|so there is no excuse|and there is no justification|which leaves no "
    "good reason} {to keep allowing|for continuing to allow|to go on permitting|to keep "
    "permitting} {these poisons on our food|this risk to our children|residues on fruits and "
    "vegetables|such chemicals in our fields}. {Please act now|Please act without delay|I ask "
    "you to act quickly|Please protect our families now}.",
    # USDA food programs.
    "{Dear Secretary Perdue|To the Department of Agriculture|Dear USDA officials|To the USDA "
    "Food and Nutrition Service}, {I am writing to oppose|I strongly object to|I want to speak "
    "against|Please reconsider} {the proposed changes to|the planned cuts to|this rule "
    "restricting|the new limits on} {SNAP and school meals|food assistance programs|the SNAP "
    "program|school lunch and breakfast programs}. {Millions of families|Countless "
    "households|Working parents across America|Many seniors and children} {rely on these "
    "benefits|depend on this help|count on this support|need these programs} {to put food on "
    "the table|to get enough to eat|to avoid going hungry|to make ends meet} {each "
    "month|every single week|between paychecks|when times are hard}. {Cutting this "
    "support|Reducing these benefits|Tightening eligibility|Taking this help away} {would "
    "push|will drive|could force|would send} {thousands of children|struggling "
    "families|low-income workers|vulnerable seniors} {into hunger|deeper into poverty|into "
    "food insecurity|toward empty plates}. {Kids who are hungry|Hungry children|Students "
    "without breakfast|Children who skip meals} {cannot focus in class|struggle to learn|fall "
    "behind in school|have trouble paying attention}, {and that hurts|which harms|and this "
    "damages|which weakens} {our whole community|the entire country|our economy in the long "
    "run|everyone's future}. {I urge you to withdraw|Please withdraw|I ask USDA to "
    "abandon|Please drop} {this harmful proposal|this cruel rule|these damaging changes|this "
    "misguided plan}.",
    # Rat poisons (EPA-HQ-OPP-2015-0481).
    "{Dear EPA|To the Environmental Protection Agency|Dear Administrator|To the pesticide "
    "program staff}, {please ban|I urge you to ban|I ask you to prohibit|please take off the "
    "market} {super-toxic rat poisons|second-generation rodenticides|anticoagulant rat "
    "poisons|these deadly rodent baits}. {These poisons do not|Such baits do not|The products "
    "do not|These chemicals never} {stop with the rat|stay inside the rodent|kill only the "
    "target|end with one animal}: {hawks, owls and foxes|mountain lions and bobcats|eagles and "
    "other raptors|family pets and wild animals} {eat the poisoned rodents|feed on dying "
    "rats|catch the tainted prey|scavenge the contaminated carcasses} {and bleed to death|and "
    "die slowly inside|and suffer internal bleeding|and perish in agony}. {Every year|Each "
    "season|Year after year|Time and again} {thousands of children|many young kids|too many "
    "toddlers|countless small children} {are exposed to|get their hands on|end up "
    "swallowing|are sickened by} {bait left in homes|poison pellets at home|pellets from bait "
    "stations|the colorful poison blocks}. {Safer methods exist|Better tools are "
    "available|Humane options already work|Safe alternatives are proven}, {such as snap traps "
    "and sealed entry points|including traps and good sanitation|like exclusion and simple "
    "trapping|for example sealing holes and removing food}. {Please act now|Please finish the "
    "job|Please protect our wildlife|Please keep these off shelves} {and remove these "
    "products|and end their sale|and stop their use|and pull them} {from store shelves|from "
    "consumer markets|across the nation|once and for all}.",
    # A crude oil terminal's air permit (EPA-R06-OAR-2020-0510).
    "{To EPA Region 6|Dear Region 6 permit staff|To the permitting office|Dear EPA permit "
    "writers}, {I am a Gulf Coast resident|I live on the Texas coast|I call the Coastal Bend "
    "home|I am writing as a local resident} {and I oppose|and I object to|and I am "
    "against|and I cannot support} {the air permit for|the proposed permit for|the pollution "
    "permit for|approval of the permit for} {the new crude oil terminal|this oil export "
    "terminal|the planned crude terminal|the offshore loading facility}. {The project would "
    "release|This facility would emit|The terminal would put out|These operations would send "
    "out} {tons of smog-forming chemicals|huge amounts of volatile organic compounds|large "
    "volumes of toxic vapors|thousands of tons of pollutants} {every year|each and every "
    "year|on an annual basis|year after year} {with no modern controls|without any pollution "
    "controls|with no vapor capture|without basic emission limits}. {Our communities already "
    "breathe|Families here already live with|Local residents already suffer from|Our "
    "neighborhoods already endure} {air from dozens of refineries|fumes from many refineries "
    "and plants|pollution from existing refineries|emissions from nearby industry}. {Please "
    "deny this permit|Please reject this application|I ask you to deny approval|Do not approve "
    "this permit} {or require|or at least require|unless it includes|until it includes} {the "
    "best available controls|vapor recovery on every vessel|strict limits and "
    "monitoring|real pollution controls}. {Also please hold|I also request|Please also "
    "schedule|I further ask for} {a public hearing|a public meeting|a hearing in our "
    "community|an open public hearing} {and extend the comment period|and more time to "
    "comment|and a longer comment period|and an extended comment window}.",
    # Limits on the science EPA may use (EPA-HQ-OA-2018-0259).
    "{Dear Administrator|To the EPA|Dear EPA officials|To whom it may concern}, {I "
    "oppose|I strongly object to|I urge you to withdraw|Please abandon} {the so-called "
    "transparency rule|the secret science proposal|the restricted science rule|this censored "
    "science plan}. {It would bar|The rule would keep|This plan would stop|It would prevent} "
    "{the agency from using|EPA from relying on|regulators from considering|the EPA from "
    "weighing} {landmark health studies|the best available research|decades of medical "
    "research|key public health studies} {simply because|only because|just because|for the "
    "sole reason that} {patient records are confidential|the participants were promised "
    "privacy|private medical data cannot be released|health data must stay private}. "
    "{Studies like these|Research of this kind|These long-term studies|Such peer-reviewed "
    "studies} {link air pollution to|connect dirty air with|tie fine particles to|show that "
    "soot causes} {asthma, heart disease and early death|thousands of premature deaths|heart "
    "attacks and lung disease|serious illness in children}. {Ignoring this evidence|Throwing "
    "out this science|Discarding these findings|Setting this research aside} {would let "
    "polluters|would allow industry to|will help polluters|lets big polluters} {weaken vital "
    "protections|escape needed safeguards|roll back clean air rules|avoid cleaning up}. "
    "{Please keep using|I ask you to keep relying on|Continue to use|Please protect} {all sound "
    "science|the full body of research|the best science available|every credible study} {to "
    "protect our health|to keep families safe|to guard public health|when setting health "
    "standards}.",
]
