from packweb_tui.services.establishments import add_establishment, list_establishments
from packweb_tui.store.database import Database


async def test_add_and_list(db: Database) -> None:
    await add_establishment(db, "0750655e", "Lycée Test", "alice")
    views = await list_establishments(db)
    assert [(v.uai, v.name) for v in views] == [("0750655E", "Lycée Test")]
