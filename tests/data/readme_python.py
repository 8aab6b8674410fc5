import pandas as pd

import smartspec
from smartspec.loaders.datasets import data_path

pd.set_option("display.width", 120)
pd.set_option("display.max_columns", 10)

# Neo4j when NEO4J_URI is set, else the embedded store in ./.smartspec
g = smartspec.connect()
g.load_trade(data_path("world_trade_2017.csv.gz"), year=2017, classification="HS12")

# ECI, Fitness, COI: the table of `smartspec compute complexity --year 2017 --format csv`
eci = g.complexity(year=2017)
print(eci[["region", "region_name", "diversity", "eci", "fitness"]].head(5).round(3))
print({k: eci.attrs["parameters"][k] for k in ("rca_method", "pci_standardise", "ddof")})

# the most complex products
pci = g.complexity(year=2017, activities=True, top=5)
print(pci[["activity", "activity_name", "ubiquity", "pci"]].round(3))

# density and COG of every country and product (written back on EXPORTS, with PROXIMITY)
pairs = g.relatedness(year=2017)
kor = pairs[(pairs["region"] == "KOR") & (pairs["m"] == 0)]
print(kor.nlargest(3, "density")[["activity", "activity_name", "rca", "density"]].round(3))

# South Korea's diversification opportunities, and a path to one of them
opportunities = g.opportunities("South Korea", year=2017, top=5)
print(opportunities[["activity", "activity_name", "density", "quadrant"]])
print(g.pathways("KOR", "8802", year=2017)[["path", "step", "activity", "activity_name"]])

# the Cypher library, and any read-only Cypher with parameters
print(g.query("region_specialisations", region="KOR", year=2017, limit=3)[["code", "name", "rca"]])
print(g.cypher("MATCH (:Region {code: $code})-[e:EXPORTS]->() RETURN count(e) AS products",
               code="KOR"))
g.close()
