"""Demo comments for seed_comments: the reference post's three pingbacks and reader threads.

Each reader comment is (key, parent key or None, name, email, website, text, hours after the
post); replies name their parent's key, so the threads come out the same on every run.
"""

REFERENCE_SLUG = "why-iran-was-not-invited-to-the-anti-isis-club"

# The three pingbacks on the reference page, as WordPress showed them: "[…] excerpt […]".
REFERENCE_PINGBACKS = [
    (
        "https://example.net/2014/09/22/kerry-iran-isis-cooperation/",
        "Washington asks Tehran for help after all",
        "[…] US Secretary of State John Kerry kept Iran out of his talks on the ISIS crisis, "
        "saying it would be “inappropriate” for terrorism sponsor Tehran to take part. Then, "
        "Washington asked for Iran’s cooperation in […]",
    ),
    (
        "https://example.org/analysis/nuclear-talks-and-isis/",
        "Nuclear talks and the ISIS crisis: two files, one table",
        "[…] coverage of the two has drawn links between them – for example, with regard to "
        "the possibility (or impossibility) of an Iranian role in averting the ISIS crisis – "
        "very little of it has focused on the benefits […]",
    ),
    (
        "https://example.com/blog/iran-an-ally-against-is/",
        "Iran, an ally against IS?",
        "[…] not a joke, it’s a very real possibility: Iran has been cited as a potential ally "
        "in the fight against IS for months, and has been gradually increasing its "
        "involvement – both […]",
    ),
]

REFERENCE_THREADS = [
    (
        "r1",
        None,
        "Farid Ahmadi",
        "farid@example.com",
        "https://farid.example.com",
        "Excluding Tehran makes sense on paper, but the Quds Force is already on the ground in "
        "Iraq. Pretending otherwise will not make the coalition any stronger.",
        3,
    ),
    (
        "r2",
        "r1",
        "Sarah Whitfield",
        "sarah@example.com",
        "",
        "On the ground, yes – but coordinating openly with a designated state sponsor of terror "
        "would wreck the Gulf partners’ support overnight.",
        4,
    ),
    (
        "r3",
        "r2",
        "Farid Ahmadi",
        "farid@example.com",
        "https://farid.example.com",
        "Fair point. Then the quiet deconfliction we keep hearing about is the real policy, and "
        "the press conference is theatre.",
        5,
    ),
    (
        "r4",
        "r1",
        "Omid R.",
        "omid@example.com",
        "",
        "The Iraqi government invited Iranian advisers long before Kerry’s coalition existed.\n\n"
        "See the timeline here: https://example.org/iraq-iran-advisers-timeline",
        6,
    ),
    (
        "r5",
        None,
        "Mina Sadeghi",
        "mina@example.com",
        "",
        "What strikes me is how little of this reached Iranian readers. PressTV covered the snub, "
        "but the domestic papers barely mentioned it.",
        8,
    ),
    (
        "r6",
        "r5",
        "Jonathan Price",
        "jprice@example.com",
        "https://jprice.example.net",
        "Kayhan ran two editorials on it, both calling the coalition a US plot. Not exactly barely "
        "mentioned, but certainly one-sided.",
        10,
    ),
    (
        "r7",
        None,
        "Reza",
        "reza.t@example.com",
        "",
        "With the November deadline this close, I agree with the last paragraph: trust is the one "
        "thing neither side is building.",
        20,
    ),
    (
        "r8",
        "r7",
        "Hannah Cole",
        "hannah@example.com",
        "",
        "Trust was never the point of the talks, though. Verification is.",
        22,
    ),
    (
        "r9",
        "r8",
        "Reza",
        "reza.t@example.com",
        "",
        "Verification needs a minimum of trust to get started. Inspectors do not fly in on "
        "accusations.",
        23,
    ),
    (
        "r10",
        None,
        "Daniel K.",
        "danielk@example.com",
        "",
        "Great summary of the coverage, thank you. Bookmarked for the next round of talks.",
        30,
    ),
]

# Short threads on the most recent other posts, by position in the newest-first list.
OTHER_THREADS = [
    (
        "a1",
        None,
        "Mina Sadeghi",
        "mina@example.com",
        "",
        "Thanks for following this so closely. The English-language coverage rarely goes this "
        "deep.",
        2,
    ),
    (
        "a2",
        "a1",
        "Omid R.",
        "omid@example.com",
        "",
        "Agreed – and the sources are linked, which makes all the difference.",
        5,
    ),
    (
        "a3",
        None,
        "Jonathan Price",
        "jprice@example.com",
        "https://jprice.example.net",
        "I read it differently: the statement was aimed at a domestic audience first.",
        9,
    ),
    (
        "a4",
        "a3",
        "Sarah Whitfield",
        "sarah@example.com",
        "",
        "Both can be true. Tehran rarely says anything for one audience only.",
        12,
    ),
    (
        "a5",
        None,
        "Daniel K.",
        "danielk@example.com",
        "",
        "Is there an official transcript anywhere? The quotes differ between agencies.",
        26,
    ),
]
# The latest of the demo comments, in hours after their post.
LAST_COMMENT_HOURS = max(row[-1] for row in [*REFERENCE_THREADS, *OTHER_THREADS])
OTHER_POSTS = 5  # how many of the newest other posts get OTHER_THREADS
