"""Imports every module's models so that metadata (and Alembic) knows all tables."""
from app.audit.models import AuditEntry  # noqa: F401
from app.auth.models import ApiToken, LoginAttempt, User  # noqa: F401
from app.common.versions import DataVersion  # noqa: F401
from app.etalase.models import (  # noqa: F401
    Category,
    DailyCapacityUse,
    Etalase,
    Listing,
    ListingPhoto,
    PriceChange,
)
from app.kalender.models import CutiBersama  # noqa: F401
from app.notifications.models import Notification  # noqa: F401
from app.procurement.models import (  # noqa: F401
    BudgetLine,
    IdempotencyKey,
    Order,
    OrderCounter,
    OrderEvent,
    OrderLine,
    Skpd,
)
from app.suppliers.models import Supplier, SupplierDocument  # noqa: F401
