"""What every resource shares: the error bodies, the documented error statuses, limit/offset paging."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str = Field(description="说明")


class ErrorItem(Schema):
    type: str = Field(description="错误类型")
    loc: list[str | int] = Field(description='出错的位置，如 ["body", "title"]')
    msg: str = Field(description="说明")


class ValidationErrorOut(Schema):
    detail: list[ErrorItem] = Field(description="逐项说明")


class PageQuery(Schema):
    limit: int = Field(default=50, ge=1, le=200, description="每页条数")
    offset: int = Field(default=0, ge=0, le=1_000_000, description="跳过的条数")


#: The statuses any operation may answer besides its success.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut}
#: Writes may also meet a body that is not JSON (400) and a newer version of the record (409).
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 400: ErrorOut, 409: ErrorOut}


def ok(schema: Any, status: int = 200, *, write: bool = False) -> dict[int, Any]:
    return {status: schema, **(WRITE_ERRORS if write else READ_ERRORS)}


def page(rows: QuerySet[Any], query: PageQuery) -> dict[str, Any]:
    """One page of a modest list (units, plans, lists, reports) with its total; the ledger pages by cursor."""
    return {"count": rows.count(), "items": list(rows[query.offset : query.offset + query.limit])}
