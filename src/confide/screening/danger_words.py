"""Real words near the danger rules' words, left uncorrected (see
tests/screening/make_real_words.py, which writes this file)."""

REAL_WORDS: frozenset[str] = frozenset(
    """
    abstraction accent accents accepted accessed accidental accidents accounted accusing
    activate actively activism activist activists affairs affecting aggression aggressively
    agrees aground alain alcoholic alice alike alliance allotted alloy alloys along alter
    ambushed amounted amounts amused amusing angel angles ankle antibody apartments apologies
    apologized approval argued argues argus armament aspects aspiring assaults attach attached
    attacker attackers attacks attained attested attracted attracting attractions attractive
    backed ballet ballroom banded bands banished banking banks banner banning bared barrie
    barriers barrister batch bates bathrooms batter batteries battle battles battling beads
    beaming beams beans bearing bearings bears beast beasts bedrooms begin behavioral behaviors
    beings believed believer believers believes bella belle bellevue bells belonging belts bench
    benefit benefited berth betting bikes biking billy birch births bitter blackened blacks
    bladed blake blame blank blasting blaze bleak blend blinding blinking blockade blogs blown
    boating boats boeing boots bother bothered bothering bottled bowed bowing boxed braid brake
    braking branding braun bread breakers breathing breed breeding breuning brewster brian bride
    bridget briefing brigades bring brock broker brooke brooks brothel brought browning brows
    bruins brushing brussels budge budgets buildings bulletin bullets bully bullying buren
    buried burns burst bursting burying busch butch butter bytes caller calmed calming canceled
    cancer cared careers cares carey caring carly carter carts carver carvings cases castes
    casts catering ceased cells chain chains chance chancel chances chang channels chanting
    chants chaos charge charged chargers charges charging charming charting charts chase
    chatting cheap cheek cheeks cheering chess chests chick chicks childish childless chile
    chili chill chilling choir choirs choose choosing chords chorus chosen chuck chuckled
    churches churning claiming clair clans clarinet clash clashed clashes clasp claus claws
    cleaning clearing clicking cliffs climbs clinging clone closed closer closes closest clothed
    clover clutches coaching coarse coasts coats coded codex coding collection collections
    collective collector collects colonies coloring colts comet comets commented commits
    commuted commuter competed competes compiler complete completed completes composer compute
    computed computers condensed condom conducting cones connacht connected connecting conner
    consensus conserved consisted constant constantin consulted contacted contacts containing
    content contents contested continual continued continues continuity continuum contract
    contracting contraction contracts contrast contrasting controller controllers convened
    convent conversation conversions converted convince convincing cooke cooked cooling coping
    cords cores cornered coroner corrected costa coughing couldn coulter countered counters
    countess counties counting coupe coupled courses cousins coven covering covers covert crabs
    cracking crashes craved crawling creating credited credits creed crest cries crises crossing
    crushed crushing crust curry curse curve curved curving custer cutler dagger dairy dancer
    dangers daring darting dawned deaths debating debut decades decide decidedly decisive
    declined declines declining defended defending defining delegate deleted depended depending
    depleted deposited depth derive deserted deserves desired desires destroyer destroyers
    detained devices dictator disagreed disappears discussing dividing diving division divisions
    divorced document documented dollars donors doping dozen drafting drain draining drank
    drawings drawn draws drifting drilling dripping driver drives drone dropping drowned drums
    drying earle earliest earls earning earrings easing easter emery emotions enabling encoding
    endings enduring engaged engagements engraved enlarged enlisted evenings exciting executed
    existent exists exited exiting exits expect expelled expense experts explained explains
    exploded exploits explore explored explorer explorers explores exported expresses external
    extras extremes failing failures farther feather feathers featured feeding feeds feelings
    fellow fellows fetal fiancee fielding fifth fighters figuring files filling fills finance
    financed financing finch findings fines finger fingered finishes finnish firms flared
    flashed flashes fleeting flicking flight flights flinders flood floors flour follower
    followers foraging forbes forge forged forgot formed forming forte founding fracture
    fractures france freezing fried friendly frigates fright fronts frost fuels funding funds
    furiously furnished gamer gases gates gazes giles girlfriends gloss glowing grams granting
    grasping grass grasses greeting groaning grossing grounded grounds grouping growling guards
    guild guilty hacker hades hammer handel handheld handled handling handy hangs harder harding
    harper hating haunting hawks healthy heard hears hearst hearth hearts heath heaving hicks
    highways hiking hines hires hiring histoire historia historic holdings holidays holmes
    homeless homes hopes hopping horse hostages housed houses howard humiliated humiliation
    hunting hunts hurley hurling hurrying hurst idiots incomes incredible incurred indicate
    indicted inflated initiate injuries inquired inserted insider insides insights insist
    insistent insulted insulting interview interviewed intimately intricate invested isolation
    jealousy journals jumper kicker killer killings kitchener kitchens kneeling knees knicks
    knocking knots known lacked lacking lacks larry laser latter laughs launched launching
    leading leads leafs leaning leans leaps learning lease leasing leaves ledger lester licked
    licking lifelong lifetime lighted liked likes liking limit linen liner lines linger lining
    linked listed listener listeners lister listings lists litter littered lived liver lobes
    locating locke locker lockheed locus lodge lodging logan logging logic longed loomed looming
    loops looted looting losers losses lough lover loves loving lower lowry maker makers males
    manage manager managers mandated mandates manually march marginal maris marking markings
    marko markus marred marriages marries martial masks massage masses mates mating meanings
    medial median mediation medicare medicinal medicines medina meditation meetings melting
    menacing mentoring methodist metre mighty mirrored mirrors missed misses mitch moaning
    modest monkey monsters monte months monty monuments moody moons moors moran mormon mortally
    morton mouths movement moves multiplied murdered murderer murders named needy neighbour
    nervously newer nights nodes noise noises norse noses noted nothin noticed notices noticing
    noting novice numbered numbers object objected observed oceans offering officer officers
    offices official officials older opener openings opined orders otter outfit outsider
    outsiders overcome overcoming paced paces packed packing packs paint painted painters
    painting paintings paints palace palaces panicked panted panthers paper parental parry
    parting partly partnered parts passes passports pastures patent patents paterson patients
    patting patty paused paying payments peace pearson penned peoples percussion performed
    performer performs permanent persisted persona personal persons peterson petty photo photon
    physician pickering picket picture pictured pieces pierce piles pinch pinched pissed pistols
    piston pitching placing plains plane planes plank planner planners plant planting plants
    plata plato platt played plays pleading pleas pleased pleasing pleasure pleasures plotting
    plunging poets pointe pointedly pointer poisoned poker poles policies policy polite polled
    polling polls poppy ports posed poses posing possessing possession pounding praising
    precinct predicted pregnancy premise premises presented presenter presents pressing presumed
    pretended prevent preventing primate princess print printed printing prints prison prisoners
    privateer privately probe production productive projectile projection projections projective
    promises promoted prompted prone property proposed prose prosecution prospective protecting
    protections protector proved proven proves provided psyche pulse pulsed pulsing punished
    purchased purge purposely purposes pursed pursue pursuing question questioned quiet quote
    raced races raged raided raiding railing rained raining raise raked rally rapid rasped rated
    rates reach reaching reacting reactive reactors reacts readings realised realises realising
    reasoned reasons receipt received receiver receivers receives redding reddy reduction
    reductions reflecting reflects reformed reformer refugees refuse regard regarded regarding
    regrets reilly rejection relating relation relations relationships relaxing released
    releasing relieve remainder remained remarked reminder remotely remove renaming repaired
    repeating replication reported reporter reports repulsed require residing resolved resort
    respected respecting responded responds response restarted restraint restraints restrict
    resulted resume retained retaining retaliation retorted retracted retrieved returned reused
    revenue revenues reviewed revolves reward rewarded reworked rider rifles rights rippled
    rises rising rivera rivers roads roles ropes rouge rounding rover ruining ruled ruler rulers
    runes sabotage sacked sacks sacred safely sands saves scaled scales scanning scare scarred
    scars scattered scent scheduled schedules schools scooped score scored scores scoring
    scouting scouts scraping scrapped screened screening screwing sealing seals searing sears
    seeds seeking seeks seeming sells sends sensing serve served serving settling severely
    sewing sexuality shack shade shades shadowed shaken shaky shale shallow shandong shane shape
    shapes shaping shards shared shark sharks sharp sharpe shave shaved sheep sheer shell shelly
    sheltered shelters shifters shifting shipping shire shock shocking shoes shone shooters
    shoots shopping shops shore shores short shorts shots shoulder shouldn shout shovel shower
    showered shown shutter shutting sighed sighs sights signaled simple singled singles sings
    sinister sipping sitting skate sketches skies skill skilled slabs slack slacks slamming
    slams slash slashed slate sleek sleeps sleepy sliced slices slick slide sliding slight sling
    slipped slipping slips slits slowed slowing smart smelling smells smoothed smoothing snack
    snacks snake snakes snapped snapping snatched sneak sneaking snoop snort soaking soared
    soaring socially societal somethin soothing sorts sounding spaced spaces spade spanning
    spare spared speaking speaks spear spears speed speeding speeds spelled spelling spells
    spice spices spike spikes spill spilling spines spinning spins spite splits splitting spores
    sporting spots spotting sprawled spraying spreading spring sprinted squealed squeeze stack
    stacked stacks stade staff stage staging stake stakes stale stall stalled stalls standings
    stare stared stares staring stark starr starred starring stars starter starters startled
    startling starved stated statement staten states stating stats statue steak steam steaming
    steel steep stemming stems steppe steps sterling sticking stiff stilled stills sting
    stinging stirling stirring stoke stolen stomped stone stool store stores storey stormed
    stove strained strand stranded strands strange strangely stranger strangers strapped
    streaked stream streamed streaming streams stressed stresses stretched stretches stretching
    stricken stride strides strife striker strikers striking string stripe stripes stripped
    stripping strive stroke strokes stroking strongly struggle struggled struggles struggling
    stuart stuck studied studios studying stunning sturdy style substances suits superb supper
    supported supporter supports survival survived survives survivor swallows swapped swaying
    swear swearing sweating sweep sweeping swelling swings swirling switched switches sword
    sworn swung tables tales taped tapes tapping tasked taxes teaching teams tease tempered
    template temples tempting tensed tents terrific terrorism terrorist terrorists tested
    testified testing tests texas thank thanking theaters theirs theme thick thinks thong
    thorough thrash thread threaded threads three thriving throbbing thrust tides tiled tiles
    timed timer tipped tires token topped torah tough towed towel towering towers towing trace
    traced traces tracing tract tracts tracy trail trailing trains trait trams trans transform
    transforms transverse treat treating treats trees triad tribes trick tricked tricks trier
    trips trough truce trucks trunk truss trusts truths tuned tuning turing turks turner twain
    twist tying uncles unstable unusually urged usable valuation vanished variation venerable
    violet visits vomiting waist waited waiter waits waived wakes wales walker walled waller
    wallis wally walter wanda washed washing wasted wasting watering waters watery watts
    weakened weakly weaponry weaving weddings weekends weighing welding wells whale whatever
    white whose widow widows wielding wills wines wires witch wives women workings worlds
    worries worrying worthy wouldn wound wrenched writhing writing writings yankee yielding
    """.split()
)
