"""Fact-checked claims with their titles (CLEF 2020 CheckThat! claim retrieval), as tests store them."""

CLAIMS = [
    ("Clowns are planning a 'purge night' on Halloween (or the night before).", "Clown Purge on Halloween"),
    ("Police in Sweden admitted they are 'no longer' investigating rape since migrant arrivals.",
     "Are Police in Sweden No Longer Investigating Rapes Since Migrants Arrived?"),
    ("Paul McCartney wrote the song 'Blackbird' during a visit to the U.S., inspired by the civil rights movement.",
     "Was Paul McCartney's Song Blackbird Inspired by the Civil Rights Movement?"),
    ("Canadians can be fined $1,000 for eating while driving.", "Can Canadians Be Fined for Eating While Driving?"),
    ("A photograph shows a flooded runway at a Florida airport during Hurricane Michael.", "Florida Airport Flooded"),
]
