"""The demo company: a mid-size maker of pumps, valves, gearboxes and drives.

Every name here is invented. Customers, account owners and the product catalog
are fixed by the seed, so the demo order book and the tests see the same firm.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
REPORTING_CURRENCY = "USD"
COST_KNOWN_SHARE = 0.7

# Price lists per currency, as a share of the USD list price.
PRICE_LIST_FACTOR = {
    "USD": Decimal("1"),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
}

# Account owners and the countries they look after.
OWNER_COUNTRIES = (
    ("Ingrid Halvorsen", ("SE", "DK", "NO", "FI")),
    ("Matthias Brenner", ("DE", "AT", "CH", "NL", "BE")),
    ("Giulia Ferrante", ("IT", "FR", "ES", "PT")),
    ("Oliver Pembroke", ("GB", "IE")),
    ("Dana Whitfield", ("US",)),
    ("Marcus Reyes", ("US", "CA")),
)

COUNTRY_CURRENCY = {"GB": "GBP", "US": "USD", "CA": "USD"}

CUSTOMER_NAMES = (
    ("Great Plains Irrigation Co.", "US"),
    ("Redfern Valley Utilities Inc.", "US"),
    ("Ironbridge Mining Supply LLC", "US"),
    ("Coastal Ridge Desalination Inc.", "US"),
    ("Pinecrest Paper Mill Corp.", "US"),
    ("Tidewater Chemical Works LLC", "US"),
    ("Silverlake Brewing Systems Inc.", "US"),
    ("Bluestem Ethanol Partners LLC", "US"),
    ("Granite Falls Water Authority", "US"),
    ("Hollister Food Processing Inc.", "US"),
    ("Sagebrush Oilfield Services LLC", "US"),
    ("Meridian Cooling Towers Inc.", "US"),
    ("Old Mill Creek Foundry Corp.", "US"),
    ("Lakeshore Marine Propulsion Inc.", "US"),
    ("Cobalt Bay Aquaculture Inc.", "US"),
    ("Prairie Rose Dairy Cooperative", "US"),
    ("Westgate Municipal Pumping District", "US"),
    ("Maplecourt Process Controls Ltd.", "CA"),
    ("Saint-Laurent Pâtes et Papiers Inc.", "CA"),
    ("Northern Lights Hydro Ltd.", "CA"),
    ("Bramwell Fluid Engineering Ltd", "GB"),
    ("Harrowgate Water Services Ltd", "GB"),
    ("Ashcombe Mills plc", "GB"),
    ("Kinross Distilling Equipment Ltd", "GB"),
    ("Pennine Quarry Products Ltd", "GB"),
    ("Thamesmead Process Plant Ltd", "GB"),
    ("Cardigan Bay Seafoods Ltd", "GB"),
    ("Wrekin Hydraulics Ltd", "GB"),
    ("Shannonside Creamery Ltd", "IE"),
    ("Nordhavn Pumps AB", "SE"),
    ("Fjällbrunn Vatten AB", "SE"),
    ("Österlund Energi AB", "SE"),
    ("Brødrene Solvik A/S", "DK"),
    ("Ærø Skibsteknik ApS", "DK"),
    ("Ølstad Marine Systems AS", "NO"),
    ("Fjordheim Havbruk AS", "NO"),
    ("Lindqvist Process Oy", "FI"),
    ("Järvelä Sellu Oy", "FI"),
    ("Kessler & Vögt Antriebstechnik GmbH", "DE"),
    ("Übelhör Anlagenbau GmbH", "DE"),
    ("Märkische Klärtechnik GmbH", "DE"),
    ("Rheinkamp Chemie GmbH", "DE"),
    ("Almtaler Brauhaus GmbH", "AT"),
    ("Zürcher Oberland Wasser AG", "CH"),
    ("Zeeland Waterbeheer B.V.", "NL"),
    ("Van Oosterwijk Installatietechniek B.V.", "NL"),
    ("Brabantse Zuivelverwerking B.V.", "NL"),
    ("Ardennes Granulats S.A.", "BE"),
    ("Castellan Tooling S.p.A.", "IT"),
    ("Officine Meccaniche Bergamasche S.r.l.", "IT"),
    ("Acquedotto Val Serina S.p.A.", "IT"),
    ("Cantina Colle Aureo S.r.l.", "IT"),
    ("Société Hydraulique de l'Ardière", "FR"),
    ("Pellérin Industrie SAS", "FR"),
    ("Mélusine Cosmétiques SA", "FR"),
    ("Sucrerie de la Vallée d'Oise SAS", "FR"),
    ("Hidráulica Montesol S.L.", "ES"),
    ("Compañía Agrícola del Jalón S.A.", "ES"),
    ("Ribeira Têxtil Lda.", "PT"),
    ("Cerâmica do Vouga Lda.", "PT"),
)


@dataclass(frozen=True)
class ProductGroup:
    """A product group: ERP code, name, making plant, lead time and order sizes."""

    code: str
    name: str
    plant: str
    lead_days: tuple[int, int]
    order_qty: tuple[int, int]
    price_range: tuple[int, int]
    models: tuple[tuple[str, str, str], ...]
    sizes: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """A sellable item with its USD list price and, where known, its unit cost."""

    code: str
    description: str
    group: ProductGroup
    unit: str
    list_price: Decimal
    unit_cost: Decimal | None

    def price_in(self, currency: str) -> Decimal:
        """List price on the price list of ``currency``."""
        return _cents(self.list_price * PRICE_LIST_FACTOR[currency])

    def cost_in(self, currency: str) -> Decimal | None:
        """Unit cost in ``currency``, or None when the cost is not maintained."""
        if self.unit_cost is None:
            return None
        return _cents(self.unit_cost * PRICE_LIST_FACTOR[currency])


@dataclass(frozen=True)
class Customer:
    """A customer account: number, name, country, currency, owner and terms."""

    number: str
    name: str
    country: str
    currency: str
    owner: str
    discount_pct: Decimal
    order_weight: int
    incoterms: str
    payment_terms: str


@dataclass(frozen=True)
class Company:
    """The whole demo firm: its customers, owners, product groups and items."""

    name: str
    customers: tuple[Customer, ...]
    owners: tuple[str, ...]
    groups: tuple[ProductGroup, ...]
    items: tuple[Item, ...]
    freight: Item

    def __repr__(self) -> str:
        return (
            f"<Company {self.name} customers={len(self.customers)} "
            f"items={len(self.items)}>"
        )

    def items_of(self, group_code: str) -> list[Item]:
        """Items of one product group, in catalog order."""
        return [item for item in self.items if item.group.code == group_code]


GROUPS = (
    ProductGroup(
        "PMP", "Pumps", "HEL1", (42, 84), (1, 6), (1800, 14000),
        (("CP", "Centrifugal pump", "EA"), ("MS", "Multistage pump", "EA"),
         ("DP", "Dosing pump", "EA")),
        ("40", "65", "100", "150"),
    ),
    ProductGroup(
        "VLV", "Valves", "HEL1", (28, 56), (2, 40), (180, 2400),
        (("BV", "Ball valve", "EA"), ("FV", "Butterfly valve", "EA"),
         ("CV", "Check valve", "EA")),
        ("DN50", "DN80", "DN100", "DN150"),
    ),
    ProductGroup(
        "GBX", "Gearboxes", "BRN2", (70, 126), (1, 4), (2500, 22000),
        (("HG", "Helical gearbox", "EA"), ("WG", "Worm gearbox", "EA"),
         ("PG", "Planetary gearbox", "EA")),
        ("S", "M", "L"),
    ),
    ProductGroup(
        "DRV", "Drives", "BRN2", (35, 70), (1, 10), (600, 9000),
        (("FD", "Frequency drive", "EA"), ("SD", "Servo drive", "EA")),
        ("4kW", "11kW", "22kW", "45kW", "90kW"),
    ),
    ProductGroup(
        "SPR", "Spare parts", "HEL1", (7, 28), (5, 200), (8, 450),
        (("MSL", "Mechanical seal", "EA"), ("IMP", "Impeller", "EA"),
         ("BRG", "Bearing set", "EA"), ("GSK", "Gasket set", "EA"),
         ("HSE", "Reinforced suction hose", "M")),
        ("A", "B", "C"),
    ),
    ProductGroup(
        "SVK", "Service kits", "HEL1", (14, 35), (1, 20), (150, 1200),
        (("PSK", "Pump service kit", "EA"), ("VOK", "Valve overhaul kit", "EA"),
         ("GMK", "Gearbox maintenance kit", "EA")),
        ("Basic", "Plus"),
    ),
)  # fmt: skip

FREIGHT_GROUP = ProductGroup("FRT", "Freight", "", (0, 0), (1, 1), (85, 650), (), ())


def build_company(seed: int = 7) -> Company:
    """The demo company; the same seed always gives the same firm."""
    rng = random.Random(seed)
    customers = tuple(
        _customer(index, name, country, rng)
        for index, (name, country) in enumerate(CUSTOMER_NAMES)
    )
    items = tuple(item for group in GROUPS for item in _group_items(group, rng))
    freight = Item("FREIGHT", "Freight and packing", FREIGHT_GROUP, "LS", CENT, None)

    return Company(
        name="Halden & Brisk Fluid Systems",
        customers=customers,
        owners=tuple(owner for owner, _ in OWNER_COUNTRIES),
        groups=GROUPS,
        items=items,
        freight=freight,
    )


def _customer(index: int, name: str, country: str, rng: random.Random) -> Customer:
    owners = [owner for owner, countries in OWNER_COUNTRIES if country in countries]
    return Customer(
        number=f"C{10010 + index * 10}",
        name=name,
        country=country,
        currency=COUNTRY_CURRENCY.get(country, "EUR"),
        # US accounts alternate between the two US owners.
        owner=owners[index % len(owners)],
        discount_pct=Decimal(rng.choice((0, 0, 5, 5, 10, 15, 25))) / 2,
        # The home market orders most: the firm reports in USD.
        order_weight=rng.choice((1, 1, 1, 2, 2, 3, 5, 8))
        * (3 if country == "US" else 1),
        incoterms=rng.choice(("EXW", "FCA", "DAP", "DAP", "CIP")),
        payment_terms=rng.choice(("30 NET", "30 NET", "45 NET", "60 NET")),
    )


def _group_items(group: ProductGroup, rng: random.Random) -> list[Item]:
    low, high = group.price_range
    steps = max(len(group.sizes) - 1, 1)
    items = []
    for prefix, description, unit in group.models:
        model_factor = rng.uniform(0.8, 1.25)
        for position, size in enumerate(group.sizes):
            # Prices grow geometrically from the smallest size to the largest.
            base = low * (high / low) ** (position / steps) * model_factor
            price = _cents(Decimal(str(round(base, 2))))
            margin = Decimal(str(round(rng.uniform(0.22, 0.45), 2)))
            known = rng.random() < COST_KNOWN_SHARE
            items.append(
                Item(
                    code=f"{prefix}-{size}".upper(),
                    description=f"{description} {size}",
                    group=group,
                    unit=unit,
                    list_price=price,
                    unit_cost=_cents(price * (1 - margin)) if known else None,
                )
            )
    return items


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)
