def test_home_lists_the_three_storefronts(client):
    page = client.get("/").get_data(as_text=True)
    for name in ("Produk Unggulan", "Jasa Penyewaan", "Jasa Penyelenggara"):
        assert name in page
