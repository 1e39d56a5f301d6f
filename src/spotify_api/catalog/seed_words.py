"""Word lists that the demo catalog's names and titles are combined from."""

from __future__ import annotations

from collections.abc import Callable, Sequence

GENRES = (
    "pop", "rock", "indie", "alternative", "folk", "jazz", "blues", "soul", "r&b", "hip hop",
    "electronic", "house", "techno", "ambient", "classical", "country", "reggae", "metal",
    "punk", "funk", "disco", "latin", "afrobeat", "k-pop", "synthwave", "shoegaze", "trip hop",
    "bossa nova", "gospel", "singer-songwriter", "dream pop", "post-rock", "drum and bass",
)  # fmt: skip

FIRST_NAMES = (
    "Mara", "Jonah", "Elena", "Theo", "Iris", "Felix", "Nina", "Oscar", "Lena", "Marcus",
    "Ada", "Rafael", "Sofia", "Caleb", "Maya", "Hugo", "Clara", "Isaac", "Zoe", "Leo",
    "Amara", "Dmitri", "Yuki", "Kofi", "Priya", "Mateo", "Freya", "Omar", "Ingrid", "Luca",
    "Aurora", "Silas", "Nadia", "Elias", "June", "Tobias", "Vera", "Malik", "Greta", "Rosa",
    "Emil", "Hana", "Dante", "Lila", "Arlo", "Esme", "Ravi", "Thea", "Jasper", "Noor",
    "Alma", "Bruno", "Cleo", "Dario", "Edie", "Finn", "Gemma", "Henrik", "Ines", "Jude",
    "Kaia", "Lorenzo", "Mina", "Niko", "Olive", "Paolo", "Quincy", "Rhea", "Santiago", "Tess",
    "Uma", "Viktor", "Wren", "Ximena", "Yara", "Zane", "Beatrix", "Cyrus", "Delphine", "Ezra",
)  # fmt: skip

LAST_NAMES = (
    "Quinn", "Hale", "Moreau", "Lindqvist", "Okafor", "Reyes", "Castell", "Novak", "Ashby",
    "Delacroix", "Sato", "Brennan", "Vance", "Kowalski", "Marsh", "Ellington", "Fontaine",
    "Harlow", "Ibarra", "Jansen", "Kealoha", "Larkin", "Mercer", "Nakamura", "Oduya", "Pryce",
    "Rivers", "Sorensen", "Thorne", "Ulloa", "Varga", "Whitlock", "Yilmaz", "Zeller", "Abbott",
    "Blackwood", "Carver", "Drummond", "Everly", "Fairweather", "Gallo", "Holm", "Ives", "Kane",
    "Lowe", "Monroe", "North", "Pike", "Stone", "Wilde", "Adeyemi", "Bellamy", "Cruz",
    "Dubois", "Eriksen", "Fitzgerald", "Gutierrez", "Hollis", "Iversen", "Jovanovic", "Kim",
    "Lambert", "Mendes", "Nyberg", "O'Hara", "Petrov", "Rossi", "Salazar", "Takahashi", "Unger",
    "Valdez", "Weller", "Xu", "York", "Zamora", "Asher", "Bishop", "Calloway", "Dalton", "Frost",
)  # fmt: skip

ADJECTIVES = (
    "Velvet", "Silver", "Midnight", "Electric", "Golden", "Hollow", "Crimson", "Neon", "Quiet",
    "Wild", "Broken", "Paper", "Glass", "Lonely", "Burning", "Frozen", "Distant", "Violet",
    "Restless", "Sunlit", "Wandering", "Secret", "Copper", "Amber", "Faded", "Hidden", "Lucky",
    "Northern", "Silent", "Cosmic", "Tender", "Savage", "Gentle", "Endless", "Fragile", "Lunar",
    "Scarlet", "Static", "Weightless", "Blue", "Heavy", "Open", "Last", "Little", "Young",
)  # fmt: skip

NOUNS = (
    "Harbor", "Echo", "River", "Horizon", "Garden", "Signal", "Ocean", "Mirror", "Shadow",
    "Lantern", "Canyon", "Island", "Ember", "Meadow", "Satellite", "Storm", "Window", "Compass",
    "Feather", "Highway", "Orchard", "Pilot", "Thunder", "Valley", "Wolf", "Comet", "Desert",
    "Forest", "Heart", "Moon", "Rain", "Sparrow", "Tide", "Wave", "Fire", "Machine", "Ghost",
    "Crown", "Letter", "Diamond", "Winter", "Summer", "Skyline", "Season", "Wire", "Bloom",
)  # fmt: skip

BAND_NOUNS = (
    "Harbors", "Echoes", "Rivers", "Lanterns", "Satellites", "Sparrows", "Wolves", "Comets",
    "Pilots", "Tides", "Machines", "Ghosts", "Crowns", "Letters", "Diamonds", "Strangers",
    "Lovers", "Kids", "Brothers", "Sisters", "Saints", "Thieves", "Dreamers", "Drifters",
    "Hearts", "Giants", "Foxes", "Ravens", "Engines", "Animals", "Lights", "Waves",
)  # fmt: skip

BAND_SUFFIXES = ("Trio", "Quartet", "Collective", "Orchestra", "Band", "Project", "Ensemble")

VERBS = (
    "Hold", "Call", "Follow", "Chase", "Carry", "Find", "Leave", "Remember", "Forget", "Wait",
    "Dance", "Run", "Fall", "Save", "Tell", "Meet", "Keep", "Light", "Break", "Touch", "Stay",
)  # fmt: skip

ADVERBS = (
    "Tonight", "Again", "Slowly", "Forever", "Now", "Home", "Away", "Closer", "Softly", "Anyway",
)  # fmt: skip

PLACES = (
    "Lisbon", "Tokyo", "Brooklyn", "Berlin", "Memphis", "Havana", "Lagos", "Reykjavik",
    "Marseille", "Seoul", "Detroit", "Kingston", "Nashville", "Montreal", "Bristol", "Oslo",
)  # fmt: skip

ISRC_COUNTRIES = ("US", "US", "US", "GB", "GB", "SE", "DE", "FR", "CA", "AU", "NL", "JP", "BR")

Choose = Callable[[Sequence[str]], str]

ARTIST_FORMS: tuple[Callable[[Choose], str], ...] = (
    lambda c: f"The {c(ADJECTIVES)} {c(BAND_NOUNS)}",
    lambda c: f"{c(FIRST_NAMES)} {c(LAST_NAMES)}",
    lambda c: f"{c(FIRST_NAMES)} {c(LAST_NAMES)}",
    lambda c: f"{c(FIRST_NAMES)} {c(LAST_NAMES)}",
    lambda c: f"{c(ADJECTIVES)} {c(BAND_NOUNS)}",
    lambda c: f"{c(FIRST_NAMES)} {c(LAST_NAMES)} & the {c(BAND_NOUNS)}",
    lambda c: f"The {c(LAST_NAMES)} {c(BAND_SUFFIXES)}",
    lambda c: f"{c(ADJECTIVES)} {c(NOUNS)}",
    lambda c: f"DJ {c(ADJECTIVES)} {c(NOUNS)}",
    lambda c: f"The {c(FIRST_NAMES)} {c(LAST_NAMES)} {c(BAND_SUFFIXES)}",
    lambda c: f"{c(FIRST_NAMES)} {c(NOUNS)}",
)
ALBUM_FORMS: tuple[Callable[[Choose], str], ...] = (
    lambda c: f"{c(ADJECTIVES)} {c(NOUNS)}",
    lambda c: f"The {c(NOUNS)} Sessions",
    lambda c: f"{c(NOUNS)} of {c(NOUNS)}",
    lambda c: f"Songs from the {c(NOUNS)}",
    lambda c: c(NOUNS),
    lambda c: f"{c(ADJECTIVES)} {c(BAND_NOUNS)}",
    lambda c: f"Live in {c(PLACES)}",
    lambda c: f"{c(PLACES)} Nights",
    lambda c: f"After the {c(NOUNS)}",
    lambda c: f"{c(ADJECTIVES)} Hours",
    lambda c: f"Under a {c(ADJECTIVES)} {c(NOUNS)}",
    lambda c: f"{c(NOUNS)} & {c(NOUNS)}",
)
COMPILATION_FORMS: tuple[Callable[[Choose, str], str], ...] = (
    lambda c, artist: "Greatest Hits",
    lambda c, artist: f"The Best of {artist}",
    lambda c, artist: "Anthology",
    lambda c, artist: "The Singles",
    lambda c, artist: f"Collected {c(BAND_NOUNS)}",
    lambda c, artist: "Essentials",
    lambda c, artist: "Rarities & B-Sides",
    lambda c, artist: f"The Very Best of {artist}",
    lambda c, artist: f"{c(ADJECTIVES)} Years",
)
SONG_FORMS: tuple[Callable[[Choose], str], ...] = (
    lambda c: f"{c(ADJECTIVES)} {c(NOUNS)}",
    lambda c: f"{c(VERBS)} Me {c(ADVERBS)}",
    lambda c: f"{c(NOUNS)} in the {c(NOUNS)}",
    lambda c: c(NOUNS),
    lambda c: f"Don't {c(VERBS)} {c(ADVERBS)}",
    lambda c: f"{c(PLACES)} {c(NOUNS)}",
    lambda c: f"The {c(ADJECTIVES)} {c(NOUNS)}",
    lambda c: f"{c(VERBS)} the {c(NOUNS)}",
    lambda c: c(BAND_NOUNS),
    lambda c: f"When the {c(NOUNS)} Falls",
    lambda c: f"{c(ADJECTIVES)} {c(ADVERBS)}",
    lambda c: f"{c(ADJECTIVES)} Love",
    lambda c: f"Say It {c(ADVERBS)}",
    lambda c: f"{c(NOUNS)} Song",
    lambda c: f"Ballad of the {c(ADJECTIVES)} {c(NOUNS)}",
    lambda c: f"{c(VERBS)} {c(ADVERBS)}",
    lambda c: f"{c(ADJECTIVES)} {c(NOUNS)} (Reprise)",
)
