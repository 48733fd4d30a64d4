"""Word lists the person-name detector reads (app/moderation/person_names.py).

Written by hand for this project from general knowledge of common given names and surnames in
the United States, Latin America, Spain, Viet Nam and China (Latin script, without and with
diacritics: the detector compares letters with their accents removed). They are deliberately
incomplete: a name missing here can still be suggested after a cue ("my neighbour …", "Mrs …").
All entries are lower case and without accents.
"""

from __future__ import annotations

# Given names that are only names (or nearly so) in running text.
_GIVEN_NAMES = """
    aaron abby abigail adam adrian adriana agnes aiden aisha alan albert alberto alejandra
    alejandro alex alexander alexandra alexis alfonso alfred alfredo alice alicia alison allison
    allie alma alvaro amanda amelia amir amy ana andre andrea andres andrew andy angel angela
    angelica angie anita ann anna anne annette annie anthony antonio arthur ashley audrey
    barbara beatriz becky ben benjamin bernard beth betty beverly bianca billy blanca bobby
    bonnie brad bradley brandon brenda brian bridget brittany bruce bryan caitlin camila carla
    carlos carmen caroline carrie catherine cathy cecilia cesar charles charlie
    charlotte cheryl chloe chris christian christina christine christopher cindy claire clara
    claudia colin connie connor consuelo craig cristina cynthia daniel daniela danielle darius
    darren david debbie deborah debra denise dennis derek diana diane diego dolores donald
    donna doris dorothy douglas dylan eduardo edward eileen elaine eleanor elena elisa elizabeth
    ellen emily emma enrique eric erica erik erin ernesto esperanza esteban esther ethan eugene
    eva evelyn fatima felipe fernando fiona francisco gabriel gabriela gail gary geoffrey george
    gerald gloria gonzalo graciela greg gregory guadalupe guillermo gustavo hannah harold
    harry heather hector helen henry hilda howard hugo ian ignacio ines irene isaac isabel
    isabella jacob jacqueline james jamie jane janet janice jason javier jean jeff jeffrey
    jennifer jenny jeremy jesse jessica jesus jim jimmy joan joanne joaquin joe joel john jonathan
    jorge jose josefina joseph josh joshua joyce juan juana judith judy julia julian julie
    justin karen karina katherine kathleen kathryn kathy katie keisha keith kelly kenneth kevin
    kimberly kristen kyle laura lauren leonardo leslie liam linda lisa lorena lorenzo lori louis
    lucas lucia luis luisa lydia lynn madison manuel marcela marco marcos margaret maria
    mariana marie marilyn mario marisol marta martha martin mary matthew maureen megan melissa
    mercedes michael michelle miguel mike mildred miriam mohammed mohammad monica nancy natalia
    natalie nathan nicholas nicole noah norma olga olivia omar oscar pablo pamela patricia
    patrick paul paula pedro peggy peter philip phillip priscilla rachel rafael ramon randy raquel
    raul rebecca ricardo richard roberto robert rodrigo ronald rosa rosario ruth ryan samantha
    samuel sandra santiago sara sarah scott sean sergio sharon shirley silvia sofia sonia sophia
    stephanie stephen steven susan sylvia tamara tanya teresa theresa thomas tiffany timothy
    tina todd tom tommy tony tracy tyler valentina valeria vanessa veronica vicente victor
    victoria walter wendy william xavier yolanda yvonne zachary
    jose maria josefa mariela maribel ximena lupita paco pepe chema nacho
    ahmed ali fatimah hassan hussein ibrahim khalid layla mahmoud mariam mustafa nadia omar
    rania samir youssef yusuf zainab
    anh bao binh chau chi cuong dung duc duong hanh hieu hoa hoai hung huong huy khanh khoa
    an lan linh loan minh ngoc nhung phuong quang quoc quynh thanh thao thuy tien trang trinh
    trung tuan tuyet uyen vinh vy xuan yen
    wei jie xiaoming xiuying yan jun hui ying ling mei lei qiang hao min jing fang xin yi
    zhiwei xiaohong jianguo lihua
    """
GIVEN_NAMES = frozenset(_GIVEN_NAMES.split())

# Given names that are also ordinary English words, months or places: "Will", "Rose", "Hope",
# "Grant", "June". They count as a name only after a cue or in the middle of a sentence.
_AMBIGUOUS_GIVEN_NAMES = """
    will rose hope grant mark bill faith joy grace june may april august art frank sue pat rob
    jack don dawn amber summer ivy lily iris daisy hunter chase chance destiny patience page sky
    rich gene carol guy dean drew bob ray wade miles lane reed glen cliff heath jordan georgia
    florence paris sydney austin dallas houston lincoln washington jackson madison clay
    crystal ruby pearl violet holly heather autumn river stone rocky sandy misty dusty barry
    harvey irma katrina sally victor christian luz paz rosa sol dolores angeles mercedes
    carolina virginia an
    """
AMBIGUOUS_GIVEN_NAMES = frozenset(_AMBIGUOUS_GIVEN_NAMES.split())

# Surnames distinctive enough to mark a capitalised pair as a person's name on their own
# (they are not ordinary English words). Vietnamese and Chinese surnames often come first.
_SURNAMES = """
    smith johnson williams jones garcia miller davis rodriguez martinez hernandez lopez gonzalez
    wilson anderson thomas moore martin thompson harris robinson lewis walker allen
    sanchez nelson mitchell perez roberts turner phillips campbell parker evans edwards collins
    stewart morris murphy rogers peterson cooper bailey richardson cox howard ward torres
    kelly ramirez sanders bennett flores rivera gomez diaz reyes morales ortiz gutierrez chavez
    ramos ruiz alvarez mendoza vasquez vazquez castillo jimenez moreno romero herrera medina
    aguilar vargas castro guzman fernandez nunez dominguez suarez sandoval delgado estrada
    ibarra navarro salazar cervantes contreras espinoza fuentes orozco pacheco quintero zamora
    sullivan walsh mccarthy kennedy lynch obrien oconnor omalley mcdonald fitzgerald donovan
    kowalski nowak schmidt schneider mueller muller weber fischer becker rossi russo esposito
    romano colombo ricci greco bruno gallo conti costa
    nguyen tran pham huynh phan vu vo dang bui ngo duong trinh dinh luong ly
    li wang zhang liu chen yang zhao huang zhou wu xu zhu hu guo lin gao luo zheng liang xie
    tang deng feng cheng cai peng yuan jiang chan wong leung cheung kwan tsang
    kim choi jung kang cho yoon jang lim
    patel shah singh kumar sharma gupta khan ahmed hussain rahman chowdhury
    okafor okoye adeyemi mensah
    """
SURNAMES = frozenset(_SURNAMES.split())

# Words that introduce a private person's name: relationships, roles towards the writer and
# "named". English and Spanish; compared without accents.
_RELATIONSHIP_CUES = """
    neighbour neighbor neighbours neighbors landlord landlady landlords tenant tenants roommate
    housemate son sons daughter daughters child children kid kids husband wife partner spouse
    boyfriend girlfriend fiance fiancee mother father mom mum dad parent parents brother
    brothers sister sisters sibling grandmother grandfather grandma grandpa grandson
    granddaughter grandchild aunt uncle cousin nephew niece friend friends colleague coworker
    co-worker boss employer supervisor manager teacher teachers tutor coach doctor physician
    nurse pediatrician paediatrician therapist dentist caregiver carer babysitter nanny
    classmate caseworker named
    vecino vecina vecinos vecinas casero casera dueno duena arrendador arrendadora inquilino
    inquilina hijo hija hijos hijas esposo esposa marido pareja novio novia madre padre mama
    papa hermano hermana abuelo abuela nieto nieta tio tia primo prima sobrino sobrina amigo
    amiga amigos amigas companero companera jefe jefa maestro maestra maestros profesor
    profesora doctora medico medica enfermero enfermera llamado llamada llama
    """
RELATIONSHIP_CUES = frozenset(_RELATIONSHIP_CUES.split())

# Of those, the ones naming a group ("our children", "mis vecinos"): after them one word counts
# only if it is a listed name ("our children Prohibit the use" is a missing full stop).
_GROUP_CUES = """
    neighbours neighbors landlords tenants sons daughters children kids parents brothers sisters
    friends teachers vecinos vecinas hijos hijas amigos amigas maestros
"""
GROUP_CUES = frozenset(_GROUP_CUES.split())

# Words before a relationship word that make it someone's: "my neighbour", "our landlord",
# "my son's teacher", "mi vecina", "la maestra". "As a father, Atheist, …" has none.
_POSSESSIVES = """
    my our his her their your mi mis su sus nuestro nuestra nuestros nuestras tu tus la el
"""
POSSESSIVES = frozenset(_POSSESSIVES.split())

# "Named" and its kin introduce a name without an owner: "a man named …", "se llama …".
_NAMING_CUES = "named llamado llamada llama"
NAMING_CUES = frozenset(_NAMING_CUES.split())

# A run right after these is a place: "I live in Fort Collins", "near Costa Mesa".
_PLACE_PREPOSITIONS = "in near at around inside outside en cerca"
PLACE_PREPOSITIONS = frozenset(_PLACE_PREPOSITIONS.split())

# Courtesy titles: what follows is a person's name ("Mrs. O'Brien", "Sra. Núñez").
_PERSONAL_TITLES = """
    mr mrs ms miss mx dr prof sr sra srta dona senor senora senorita
    """
PERSONAL_TITLES = frozenset(_PERSONAL_TITLES.split())

# Titles of public office: a person named with one is acting in office and is not a private
# third party ("Councilor Wu", "Mayor Wu", "Chair Arroyo", "la concejala Arroyo").
_OFFICE_TITLES = """
    councilor councillor councilors councillors councilman councilwoman councilmember
    councilmembers mayor chair chairs chairman chairwoman chairperson senator senators sen
    representative representatives rep reps congressman congresswoman congressmember governor
    gov lieutenant president vice-president secretary administrator commissioner commissioners
    director superintendent judge justice attorney sheriff chief alderman alderwoman selectman
    selectwoman selectperson speaker minister ambassador delegate assemblymember assemblyman
    assemblywoman treasurer auditor comptroller clerk officer detective sergeant captain
    deputy inspector trooper honorable hon
    concejal concejala concejales alcalde alcaldesa senador senadora gobernador gobernadora
    presidente presidenta representante diputado diputada juez jueza comisionado comisionada
    secretaria ministro ministra
    """
OFFICE_TITLES = frozenset(_OFFICE_TITLES.split())

# Words a letter addresses its reader with: the name after them is the addressee, who in
# testimony is the committee or an official, never a private third party.
_SALUTATIONS = (
    "dear hello hi greetings to attn attention estimado estimada estimados querido querida hola"
)
SALUTATIONS = frozenset(_SALUTATIONS.split())

# Words that begin sentences and greetings: skipped at the start of a run of capitalised words
# ("The", "My", "Sincerely"); inside one they make it a heading, not a name.
_FUNCTION_WORDS = """
    a an the this that these those there their they them then than and or but nor so yet for
    of in on at to from by with without about as if when while where why how what which who
    whom whose all any each every some no not none both either neither many much more most
    other such only own same too very can could would should must might shall is are was were
    be been being have has had do does did done i me my mine we us our ours you your yours he
    him his she her hers it its please thank thanks sincerely regards respectfully best
    cordially yours hi hello dear also however therefore because since although though after
    before during until unless whether again once here now today tomorrow yesterday yes ok
    okay let lets just even still already always never sometimes often
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun
    enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre
    diciembre lunes martes miercoles jueves viernes sabado domingo
    el la los las un una unos unas y o pero porque que como cuando donde mi mis su sus tu tus
    nuestro nuestra nuestros nuestras yo nosotros ellos ellas usted ustedes gracias atentamente
    senores hola buenos buenas dias tardes
    """
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())

# Capitalised words that are never part of a person's name here: they name times, places,
# organisations or documents.
_NOT_NAME_WORDS = """
    god lord jesus christ bible church nature earth
    american americans america usa us u.s english spanish
    city town village county state states commonwealth country nation federal national
    government council committee board commission department agency office bureau authority
    administration legislature congress senate house assembly court courts police fire school
    schools university college hospital clinic center centre library museum park parks
    street st avenue ave road rd boulevard blvd lane ln drive dr court ct place pl square sq
    terrace ter way parkway pkwy highway hwy circle cir route bridge hall station airport port
    harbor harbour bay river lake creek mountain valley hill hills heights beach island
    garden gardens tower building plaza market mall store shop restaurant cafe temple mosque
    synagogue academy elementary high middle memorial cemetery field fields forest woods
    point falls springs grove fort mount mt
    north south east west northern southern eastern western new old upper lower saint san
    santa los las del
    inc llc ltd corp corporation company co group association society foundation coalition
    union alliance network institute trust fund bank partners project program programme
    campaign act bill law ordinance order resolution rule rules regulation regulations docket
    section chapter article amendment proposal plan report hearing testimony meeting agenda
    public private community communities people residents resident citizens citizen members
    member staff team family families children parents workers
    epa usda fda cdc nasa fbi cia dhs ice
    """
NOT_NAME_WORDS = frozenset(_NOT_NAME_WORDS.split())
