"""Text of the demo blog: the reference post, its author, and the other posts' raw material."""

REFERENCE_TITLE = "Why Iran Was Not Invited to the Anti ISIS Club"
IMAGE_CAPTION = "John kerry in Cairo- Zee Media Bureau"
AUTHOR_BIO = (
    "Blogging & updating on #Iran related news- focusing on Politics, Human Rights & the "
    "Iranian nuclear Program. Followed by top Middle East Analysts, Reportes & think tanks."
)
ABOUT_TITLE = "About"
ABOUT_PARAGRAPHS = [
    "Iran News Watch is a blog about Iran related news: its politics, human rights, the Iranian "
    "nuclear program and the Revolutionary Guards, and the country’s ties with its neighbours "
    "and with the West.",
    "We follow the Iranian press, official statements and the wider Middle East coverage day by "
    "day, and say where each story comes from. Posts are filed by topic and tagged by the people "
    "and places in them, so a story can be followed from its first report to its latest turn.",
    "The blog is read by Middle East analysts, reporters and think tanks. Tips, corrections and "
    "questions are welcome: leave a comment under any post, or follow the blog by email or RSS "
    "to get every new post.",
]
REFERENCE_CATEGORIES = [
    "Iranian Foreign Relations",
    "Iranian Nuclear Crisis",
    "IRGC",
    "Military",
    "nuclear talks",
]
# name -> parent name: a tree three levels deep.
# The "Follow us" widget's profiles, in this order: (kind, address; empty for this blog's feed).
SOCIAL_PROFILES = [
    ("x", "https://x.com/example"),
    ("facebook", "https://facebook.com/example"),
    ("mastodon", "https://mastodon.social/@example"),
    ("rss", ""),
    ("email", "mailto:newsroom@example.com"),
]

CATEGORY_TREE = {
    "Iran": None,
    "Iranian Foreign Relations": "Iran",
    "Iranian Nuclear Crisis": "Iran",
    "nuclear talks": "Iranian Nuclear Crisis",
    "Military": None,
    "IRGC": "Military",
    "Quds Force": "IRGC",
    "Human Rights": None,
    "Politics": None,
    "Elections": "Politics",
    "Economy": None,
    "Sanctions": "Economy",
}
REFERENCE_TAGS = [
    "Iran", "ISIS", "Islamic State", "John Kerry", "Hezbollah", "Syria", "Iraq", "Qatar",
    "Quds Force", "Ali Larijani", "PressTV", "nuclear deal", "United States", "coalition",
    "terrorism", "al-Qaeda", "Jerusalem", "Gulf states",
]  # fmt: skip

REFERENCE_PARAGRAPHS_BEFORE_IMAGE = [
    "The American-led coalition against the Islamic State is gaining traction, with US "
    "Secretary of State John Kerry appealing to key Arab states for support. But one player "
    "that has so far been excluded from Washington’s efforts to fight the terrorist group has "
    "been Iran. Though its proxy Hezbollah has been fighting Sunni rebels, including the Islamic "
    "State and other al-Qaeda-linked groups, in Syria for years, Iran, to its great surprise, "
    "wasn’t invited to join the anti-ISIS club.",
    "The reasoning? “It would not be appropriate”, stated Kerry, “for any number of reasons”.  "
    "Clearly among them Iran being a designated “state sponsor of terror in various places” "
    "and whose paramilitary Quds Force is fighting in Syria. To be helping the US fight terror "
    "in Iraq would be rather outlandish..",
    "Kerry’s move to exclude Iran from the anti-ISIS talks was widely reported by everyone from "
    "The New York Times to The Telegraph to Al Jazeera. Iran’s reaction to the snub was less "
    "widely reported – possibly because it is nothing new, considering it accused Washington in "
    "an August rant of supporting ISIS by deliberately executing airstrikes that “lack "
    "credibility”.",
]
REFERENCE_PARAGRAPHS_AFTER_IMAGE = [
    "Just three days later, it threatened to “liberate Jerusalem” – probably through "
    "paramilitary channels – while condemning the ISIS brand of terrorism in the same breath. "
    "It also indicated that it was pursuing closer ties with other Gulf states, including Sunni "
    "Qatar, possibly in pursuit of a larger leadership role in the conflict-torn region.",
    "This week, in the wake of Kerry’s rejection, the Iranian press was full of harsh words for "
    "Washington. One PressTV article quoted parliament speaker Ali Larijani – who was the one to "
    "accuse the US of backing ISIS – saying the new anti-terror coalition “lacks wisdom,” and "
    "another official saying it is “suspicious and not transparent.”",
    "With the November deadline for a nuclear deal looming ahead, we wonder why the media "
    "hasn’t pointed out that with both sides hurling accusations and expressing deep suspicion "
    "toward each other, it’ll be very difficult – if not outright impossible – for them to "
    "muster up the trust required to actually ink a “good agreement”.",
]

OTHER_TITLES = [
    "Rouhani’s First Year: Promises Kept and Broken",
    "Inside the IRGC’s Business Empire",
    "What the Vienna Round Means for Sanctions Relief",
    "Hezbollah’s Syrian Gamble, Three Years On",
    "Tehran’s Currency Slide and the Price of Bread",
    "Executions Rise Despite Talk of Moderation",
    "The Quds Force Commander Nobody Can Photograph",
    "Parliament Hardliners Push Back on the Negotiators",
    "Iraq’s Shia Militias and Their Iranian Advisers",
    "Why Oil Prices Matter More Than Centrifuges",
    "Journalists Behind Bars: The Latest Arrests",
    "Qatar, Oman and Tehran’s Gulf Diplomacy",
    "Reading the Supreme Leader’s Latest Speech",
    "Arak, Fordow and Natanz: A Field Guide",
    "Sanctions Relief Timeline, Explained",
    "The Women Who Ran for Parliament",
    "Yemen’s Houthis and the Question of Iranian Arms",
    "Missile Tests and What They Signal",
    "The Economy Minister’s Privatisation Plan",
    "Human Rights Council Report: Key Findings",
    "How Iranian State TV Covers the Talks",
    "The Basij at Thirty-Five",
    "Afghan Refugees in Iran: A Forgotten Story",
    "Caspian Summit Ends Without a Deal",
    "Twitter, Filters and the Ministers Who Tweet",
    "Lausanne Framework: What Each Side Gave Up",
    "Local Elections and the Reformist Comeback",
    "A Drought Is Reshaping Iranian Politics",
    "Inside the Assembly of Experts",
    "Week in Review: Talks, Tests and Tensions",
    "Opinion: The Deal Nobody Wants to Defend",
    "Draft: Notes on the Succession Question",
    "Draft: Interview Transcript (Unedited)",
    "Coming Up: Our Guide to the Next Round of Talks",
]

PARAGRAPHS = [
    "Officials in Tehran insisted on Monday that the country’s position had not changed, even as "
    "diplomats in Vienna described the latest round as the most constructive in months.",
    "Analysts caution that the headline figures hide a more complicated picture, one in which "
    "domestic rivalries matter at least as much as pressure from abroad.",
    "The announcement was carried first by the semi-official Fars news agency and later repeated, "
    "with notable omissions, by state television’s evening bulletin.",
    "For ordinary Iranians the debate is less abstract: prices of bread, rice and medicine have "
    "risen sharply, and many families say they have cut back on meat entirely.",
    "Human rights groups documented at least a dozen new cases this month, most of them involving "
    "journalists, students and members of religious minorities.",
    "Western negotiators, for their part, are under pressure from legislators at home who argue "
    "that any agreement must be verifiable down to the last centrifuge.",
    "Regional rivals are watching closely. Saudi officials have warned privately that a deal "
    "which leaves enrichment in place would change the balance of power in the Gulf.",
    "The Revolutionary Guards did not comment, but a commander quoted by Tasnim said the force "
    "would “continue its advisory mission for as long as our friends request it.”",
    "Parliament’s national security committee is expected to review the text next week, though "
    "its chairman has already said he sees “serious problems” with several clauses.",
    "Whatever the outcome, the episode shows how foreign policy in Iran is made by many hands, "
    "and how rarely they all move in the same direction at once.",
]
