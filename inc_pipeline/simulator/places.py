"""Where sites are: Brazil's regions, states and cities, as the account's region tree (`/user/shop?nesting=true`)
groups them."""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    city: str
    state: str  # the two-letter UF, as the flat /user/shop's `province` gives it
    region: str
    area: str  # a neighbourhood: sites are named after it
    latitude: float
    longitude: float
    area_code: str  # phone DDD
    weight: int  # share of a nationwide account's sites (roughly the city's size)


SUDESTE, SUL, NORDESTE, NORTE, CENTRO_OESTE = "Sudeste", "Sul", "Nordeste", "Norte", "Centro-Oeste"

PLACES = (
    Place("São Paulo", "SP", SUDESTE, "Pinheiros", -23.561, -46.656, "11", 12),
    Place("Rio de Janeiro", "RJ", SUDESTE, "Copacabana", -22.971, -43.182, "21", 7),
    Place("Belo Horizonte", "MG", SUDESTE, "Savassi", -19.937, -43.934, "31", 4),
    Place("Curitiba", "PR", SUL, "Batel", -25.443, -49.287, "41", 4),
    Place("Porto Alegre", "RS", SUL, "Moinhos de Vento", -30.027, -51.201, "51", 4),
    Place("Salvador", "BA", NORDESTE, "Barra", -13.005, -38.526, "71", 4),
    Place("Recife", "PE", NORDESTE, "Boa Viagem", -8.119, -34.901, "81", 3),
    Place("Florianópolis", "SC", SUL, "Centro", -27.595, -48.548, "48", 3),
    Place("Campinas", "SP", SUDESTE, "Cambuí", -22.894, -47.053, "19", 3),
    Place("Santos", "SP", SUDESTE, "Gonzaga", -23.967, -46.333, "13", 2),
    Place("Ribeirão Preto", "SP", SUDESTE, "Centro", -21.178, -47.806, "16", 2),
    Place("São José dos Campos", "SP", SUDESTE, "Vila Adyana", -23.189, -45.884, "12", 2),
    Place("Sorocaba", "SP", SUDESTE, "Centro", -23.501, -47.458, "15", 1),
    Place("Niterói", "RJ", SUDESTE, "Icaraí", -22.904, -43.110, "21", 2),
    Place("Petrópolis", "RJ", SUDESTE, "Centro", -22.505, -43.179, "24", 1),
    Place("Uberlândia", "MG", SUDESTE, "Centro", -18.918, -48.277, "34", 2),
    Place("Juiz de Fora", "MG", SUDESTE, "Centro", -21.762, -43.350, "32", 1),
    Place("Vitória", "ES", SUDESTE, "Praia do Canto", -20.297, -40.293, "27", 2),
    Place("Vila Velha", "ES", SUDESTE, "Praia da Costa", -20.337, -40.283, "27", 1),
    Place("Londrina", "PR", SUL, "Centro", -23.310, -51.163, "43", 2),
    Place("Maringá", "PR", SUL, "Zona 1", -23.420, -51.933, "44", 1),
    Place("Caxias do Sul", "RS", SUL, "Centro", -29.168, -51.179, "54", 2),
    Place("Pelotas", "RS", SUL, "Centro", -31.772, -52.343, "53", 1),
    Place("Joinville", "SC", SUL, "Centro", -26.304, -48.846, "47", 2),
    Place("Blumenau", "SC", SUL, "Centro", -26.919, -49.066, "47", 1),
    Place("Feira de Santana", "BA", NORDESTE, "Centro", -12.266, -38.966, "75", 1),
    Place("Olinda", "PE", NORDESTE, "Carmo", -8.009, -34.855, "81", 1),
    Place("Fortaleza", "CE", NORDESTE, "Aldeota", -3.737, -38.500, "85", 3),
    Place("Natal", "RN", NORDESTE, "Ponta Negra", -5.880, -35.176, "84", 1),
    Place("João Pessoa", "PB", NORDESTE, "Tambaú", -7.115, -34.824, "83", 1),
    Place("Maceió", "AL", NORDESTE, "Pajuçara", -9.666, -35.717, "82", 1),
    Place("Aracaju", "SE", NORDESTE, "Atalaia", -10.985, -37.050, "79", 1),
    Place("Teresina", "PI", NORDESTE, "Centro", -5.089, -42.802, "86", 1),
    Place("São Luís", "MA", NORDESTE, "Renascença", -2.530, -44.302, "98", 1),
    Place("Manaus", "AM", NORTE, "Adrianópolis", -3.101, -60.025, "92", 2),
    Place("Belém", "PA", NORTE, "Nazaré", -1.455, -48.490, "91", 2),
    Place("Porto Velho", "RO", NORTE, "Centro", -8.761, -63.900, "69", 1),
    Place("Rio Branco", "AC", NORTE, "Centro", -9.975, -67.810, "68", 1),
    Place("Macapá", "AP", NORTE, "Centro", 0.034, -51.066, "96", 1),
    Place("Boa Vista", "RR", NORTE, "Centro", 2.820, -60.672, "95", 1),
    Place("Palmas", "TO", NORTE, "Plano Diretor Sul", -10.184, -48.333, "63", 1),
    Place("Brasília", "DF", CENTRO_OESTE, "Asa Sul", -15.812, -47.901, "61", 3),
    Place("Goiânia", "GO", CENTRO_OESTE, "Setor Bueno", -16.703, -49.263, "62", 2),
    Place("Anápolis", "GO", CENTRO_OESTE, "Centro", -16.329, -48.953, "62", 1),
    Place("Cuiabá", "MT", CENTRO_OESTE, "Centro", -15.601, -56.097, "65", 1),
    Place("Campo Grande", "MS", CENTRO_OESTE, "Centro", -20.469, -54.620, "67", 1),
)

# The small world's sites take the first eight in turn (its answers must not change).
SMALL_WORLD_PLACES = PLACES[:8]
# A nationwide account's sites go round this list: each city `weight` times, spread evenly, so every city has sites
# and the big ones have more.
NATIONWIDE_ROUND = tuple(
    place for _, _, place in sorted((n / p.weight, i, p) for i, p in enumerate(PLACES) for n in range(p.weight))
)


def place_of(position: int, nationwide: bool) -> Place:
    """The place of the site at `position` (0-based) of the account."""
    places = NATIONWIDE_ROUND if nationwide else SMALL_WORLD_PLACES
    return places[position % len(places)]
