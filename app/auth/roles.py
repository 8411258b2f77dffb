"""The roles of PRODUCT.md §1."""

ADMIN = "admin"
PP = "pp"
PPK = "ppk"
BENDAHARA = "bendahara"
FINANCE = "finance"
SUPPLIER = "supplier"

ALL = (ADMIN, PP, PPK, BENDAHARA, FINANCE, SUPPLIER)
BUYERS = (PP, PPK)
SKPD_ROLES = (PP, PPK, BENDAHARA)

LABELS = {
    ADMIN: "Admin Katalog (BPBJ)",
    PP: "Pejabat Pengadaan",
    PPK: "Pejabat Pembuat Komitmen",
    BENDAHARA: "Bendahara",
    FINANCE: "BPKAD (Keuangan)",
    SUPPLIER: "Penyedia",
}
