"""The request types the worker sends, as Google's discovery document for Sheets v4 declares them,
so the emulator refuses what Google refuses (400, not 200): unknown fields, wrong types and missing
required fields, with Google's wording and a ``google.rpc.BadRequest`` for parse errors.

Only the messages our requests use are listed (a hand-written subset; the discovery document itself
is not part of the repository). ``DEPRECATED`` records the fields the discovery document marks
deprecated, so a test can prove the worker never sends one.

Google's parse errors name the path in snake_case (``requests[0].repeat_cell.cell``); semantic
errors are ``Invalid requests[i].<request>: …`` and carry no details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ENUMS: dict[str, tuple[str, ...]] = {
    "Dimension": ("DIMENSION_UNSPECIFIED", "ROWS", "COLUMNS"),
    "SheetType": ("SHEET_TYPE_UNSPECIFIED", "GRID", "OBJECT", "DATA_SOURCE"),
    "VerticalAlign": ("VERTICAL_ALIGN_UNSPECIFIED", "TOP", "MIDDLE", "BOTTOM"),
    "HorizontalAlign": ("HORIZONTAL_ALIGN_UNSPECIFIED", "LEFT", "CENTER", "RIGHT"),
    "WrapStrategy": ("WRAP_STRATEGY_UNSPECIFIED", "OVERFLOW_CELL", "LEGACY_WRAP", "CLIP", "WRAP"),
    "ThemeColorType": ("THEME_COLOR_TYPE_UNSPECIFIED", "TEXT", "BACKGROUND", "ACCENT1", "ACCENT2", "ACCENT3",
                       "ACCENT4", "ACCENT5", "ACCENT6", "LINK"),
    "Visibility": ("DEVELOPER_METADATA_VISIBILITY_UNSPECIFIED", "DOCUMENT", "PROJECT"),
    "LocationType": ("DEVELOPER_METADATA_LOCATION_TYPE_UNSPECIFIED", "ROW", "COLUMN", "SHEET", "SPREADSHEET"),
    "ValueInputOption": ("INPUT_VALUE_OPTION_UNSPECIFIED", "RAW", "USER_ENTERED"),
    "ValueRenderOption": ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"),
    "DateTimeRenderOption": ("SERIAL_NUMBER", "FORMATTED_STRING"),
    "NumberFormatType": ("NUMBER_FORMAT_TYPE_UNSPECIFIED", "TEXT", "NUMBER", "PERCENT", "CURRENCY", "DATE", "TIME",
                         "DATE_TIME", "SCIENTIFIC"),
    "ConditionType": ("CONDITION_TYPE_UNSPECIFIED", "NUMBER_GREATER", "NUMBER_GREATER_THAN_EQ", "NUMBER_LESS",
                      "NUMBER_LESS_THAN_EQ", "NUMBER_EQ", "NUMBER_NOT_EQ", "NUMBER_BETWEEN", "NUMBER_NOT_BETWEEN",
                      "TEXT_CONTAINS", "TEXT_NOT_CONTAINS", "TEXT_STARTS_WITH", "TEXT_ENDS_WITH", "TEXT_EQ",
                      "TEXT_IS_EMAIL", "TEXT_IS_URL", "DATE_EQ", "DATE_BEFORE", "DATE_AFTER", "DATE_ON_OR_BEFORE",
                      "DATE_ON_OR_AFTER", "DATE_BETWEEN", "DATE_NOT_BETWEEN", "DATE_IS_VALID", "ONE_OF_RANGE",
                      "ONE_OF_LIST", "BLANK", "NOT_BLANK", "CUSTOM_FORMULA", "BOOLEAN", "TEXT_NOT_EQ", "DATE_NOT_EQ",
                      "FILTER_EXPRESSION"),
    "RelativeDate": ("RELATIVE_DATE_UNSPECIFIED", "PAST_YEAR", "PAST_MONTH", "PAST_WEEK", "YESTERDAY", "TODAY",
                     "TOMORROW"),
}
_COLOR = {"red": "float", "green": "float", "blue": "float", "alpha": "float"}
SCHEMA: dict[str, dict[str, str]] = {
    "BatchUpdateSpreadsheetRequest": {"requests": "[Request]", "includeSpreadsheetInResponse": "bool",
                                      "responseRanges": "[str]", "responseIncludeGridData": "bool"},
    "Request": {"addSheet": "AddSheetRequest", "repeatCell": "RepeatCellRequest",
                "updateCells": "UpdateCellsRequest", "updateDimensionProperties": "UpdateDimensionPropertiesRequest",
                "updateSheetProperties": "UpdateSheetPropertiesRequest",
                "addProtectedRange": "AddProtectedRangeRequest", "deleteProtectedRange": "DeleteProtectedRangeRequest",
                "createDeveloperMetadata": "CreateDeveloperMetadataRequest",
                "updateDeveloperMetadata": "UpdateDeveloperMetadataRequest",
                "deleteDeveloperMetadata": "DeleteDeveloperMetadataRequest",
                "setDataValidation": "SetDataValidationRequest"},
    "AddSheetRequest": {"properties": "SheetProperties"},
    "SheetProperties": {"sheetId": "int", "title": "str", "index": "int", "sheetType": "enum:SheetType",
                        "gridProperties": "GridProperties", "hidden": "bool", "tabColor": "Color",
                        "tabColorStyle": "ColorStyle", "rightToLeft": "bool"},
    "GridProperties": {"rowCount": "int", "columnCount": "int", "frozenRowCount": "int",
                       "frozenColumnCount": "int", "hideGridlines": "bool", "rowGroupControlAfter": "bool",
                       "columnGroupControlAfter": "bool"},
    "RepeatCellRequest": {"range": "GridRange", "cell": "CellData", "fields": "str"},
    "UpdateCellsRequest": {"start": "GridCoordinate", "range": "GridRange", "rows": "[RowData]", "fields": "str"},
    "GridRange": {"sheetId": "int", "startRowIndex": "int", "endRowIndex": "int", "startColumnIndex": "int",
                  "endColumnIndex": "int"},
    "GridCoordinate": {"sheetId": "int", "rowIndex": "int", "columnIndex": "int"},
    "RowData": {"values": "[CellData]"},
    "CellData": {"userEnteredValue": "ExtendedValue", "userEnteredFormat": "CellFormat", "note": "str",
                 "dataValidation": "DataValidationRule"},
    "ExtendedValue": {"numberValue": "float", "stringValue": "str", "boolValue": "bool", "formulaValue": "str"},
    "CellFormat": {"numberFormat": "NumberFormat", "backgroundColor": "Color", "backgroundColorStyle": "ColorStyle",
                   "horizontalAlignment": "enum:HorizontalAlign", "verticalAlignment": "enum:VerticalAlign",
                   "wrapStrategy": "enum:WrapStrategy", "textFormat": "TextFormat", "textRotation": "TextRotation"},
    "NumberFormat": {"type": "enum:NumberFormatType", "pattern": "str"},
    "TextRotation": {"angle": "int", "vertical": "bool"},
    "TextFormat": {"foregroundColor": "Color", "foregroundColorStyle": "ColorStyle", "fontFamily": "str",
                   "fontSize": "int", "bold": "bool", "italic": "bool", "strikethrough": "bool",
                   "underline": "bool", "link": "Link"},
    "Link": {"uri": "str"},
    "Color": _COLOR,
    "ColorStyle": {"rgbColor": "Color", "themeColor": "enum:ThemeColorType"},
    "UpdateDimensionPropertiesRequest": {"range": "DimensionRange", "properties": "DimensionProperties",
                                         "fields": "str"},
    "DimensionRange": {"sheetId": "int", "dimension": "enum:Dimension", "startIndex": "int", "endIndex": "int"},
    "DimensionProperties": {"hiddenByUser": "bool", "pixelSize": "int"},
    "UpdateSheetPropertiesRequest": {"properties": "SheetProperties", "fields": "str"},
    "AddProtectedRangeRequest": {"protectedRange": "ProtectedRange"},
    "ProtectedRange": {"protectedRangeId": "int", "range": "GridRange", "namedRangeId": "str",
                       "description": "str", "warningOnly": "bool", "requestingUserCanEdit": "bool",
                       "unprotectedRanges": "[GridRange]", "editors": "Editors"},
    "Editors": {"users": "[str]", "groups": "[str]", "domainUsersCanEdit": "bool"},
    "DeleteProtectedRangeRequest": {"protectedRangeId": "int"},
    "CreateDeveloperMetadataRequest": {"developerMetadata": "DeveloperMetadata"},
    "DeveloperMetadata": {"metadataId": "int", "metadataKey": "str", "metadataValue": "str",
                          "location": "DeveloperMetadataLocation", "visibility": "enum:Visibility"},
    "DeveloperMetadataLocation": {"locationType": "enum:LocationType", "spreadsheet": "bool", "sheetId": "int",
                                  "dimensionRange": "DimensionRange"},
    "UpdateDeveloperMetadataRequest": {"dataFilters": "[DataFilter]", "developerMetadata": "DeveloperMetadata",
                                       "fields": "str"},
    "DeleteDeveloperMetadataRequest": {"dataFilter": "DataFilter"},
    "DataFilter": {"developerMetadataLookup": "DeveloperMetadataLookup", "a1Range": "str", "gridRange": "GridRange"},
    "DeveloperMetadataLookup": {"locationType": "enum:LocationType", "metadataLocation": "DeveloperMetadataLocation",
                                "metadataId": "int", "metadataKey": "str", "metadataValue": "str",
                                "visibility": "enum:Visibility"},
    "BatchUpdateValuesRequest": {"valueInputOption": "enum:ValueInputOption", "data": "[ValueRange]",
                                 "includeValuesInResponse": "bool",
                                 "responseValueRenderOption": "enum:ValueRenderOption",
                                 "responseDateTimeRenderOption": "enum:DateTimeRenderOption"},
    "ValueRange": {"range": "str", "majorDimension": "enum:Dimension", "values": "values"},
    "SetDataValidationRequest": {"range": "GridRange", "rule": "DataValidationRule", "filteredRowsIncluded": "bool"},
    "DataValidationRule": {"condition": "BooleanCondition", "inputMessage": "str", "strict": "bool",
                           "showCustomUi": "bool"},
    "BooleanCondition": {"type": "enum:ConditionType", "values": "[ConditionValue]"},
    "ConditionValue": {"relativeDate": "enum:RelativeDate", "userEnteredValue": "str"},
}
# Fields the discovery document marks "Deprecated: Use …_style" (message, field) → replacement.
DEPRECATED: dict[tuple[str, str], str] = {
    ("CellFormat", "backgroundColor"): "backgroundColorStyle",
    ("TextFormat", "foregroundColor"): "foregroundColorStyle",
    ("SheetProperties", "tabColor"): "tabColorStyle",
}
# Fields without which Google refuses a request we send (semantic errors: no details).
REQUIRED: dict[str, tuple[str, ...]] = {
    "repeatCell": ("range", "fields"), "updateCells": ("fields",),
    "updateDimensionProperties": ("range", "properties", "fields"),
    "updateSheetProperties": ("properties", "fields"), "addProtectedRange": ("protectedRange",),
    "deleteProtectedRange": ("protectedRangeId",), "createDeveloperMetadata": ("developerMetadata",),
    "updateDeveloperMetadata": ("dataFilters", "developerMetadata", "fields"),
    "deleteDeveloperMetadata": ("dataFilter",), "setDataValidation": ("range",),
}
_TYPE_NAMES = {"int": "TYPE_INT32", "float": "TYPE_FLOAT", "str": "TYPE_STRING", "bool": "TYPE_BOOL"}


@dataclass(frozen=True)
class Violation:
    field: str
    description: str


def snake(name: str) -> str:
    """``userEnteredFormat`` → ``user_entered_format`` (how Google's parse errors name fields)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _join(path: str, name: str) -> str:
    return f"{path}.{snake(name)}" if path else snake(name)


def _scalar_ok(kind: str, value: Any) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if isinstance(value, bool):
        return False
    if kind == "int":
        return (isinstance(value, int) or (isinstance(value, float) and value.is_integer())
                or (isinstance(value, str) and re.fullmatch(r"-?\d+", value) is not None))
    return isinstance(value, int | float) or (isinstance(value, str) and _is_number(value))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def _invalid(path: str, type_name: str, value: Any) -> Violation:
    return Violation(path, f"Invalid value at '{path}' ({type_name}), {_shown(value)}")


def _check_value(spec: str, value: Any, path: str) -> list[Violation]:
    if value is None:  # JSON null is the default value, as gspread sends for unset options
        return []
    if spec.startswith("["):
        if not isinstance(value, list):
            return [_invalid(path, _type_name(spec[1:-1]), value)]
        return [v for i, item in enumerate(value) for v in _check_value(spec[1:-1], item, f"{path}[{i}]")]
    if spec == "values":
        return _check_values(value, path)
    if spec.startswith("enum:"):
        values = ENUMS[spec[5:]]
        ok = value in values or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(values))
        return [] if ok else [_invalid(path, _type_name(spec), value)]
    if spec in _TYPE_NAMES:
        return [] if _scalar_ok(spec, value) else [_invalid(path, _TYPE_NAMES[spec], value)]
    if not isinstance(value, dict):
        return [_invalid(path, _type_name(spec), value)]
    return violations(spec, value, path)


def _check_values(value: Any, path: str) -> list[Violation]:
    list_value = "type.googleapis.com/google.protobuf.ListValue"
    if not isinstance(value, list):
        return [_invalid(path, list_value, value)]
    bad = [(i, row) for i, row in enumerate(value) if not isinstance(row, list)
           or any(isinstance(cell, dict | list) for cell in row)]
    return [_invalid(f"{path}[{i}]", list_value, row) for i, row in bad]


def _type_name(spec: str) -> str:
    if spec in _TYPE_NAMES:
        return _TYPE_NAMES[spec]
    name = spec[5:] if spec.startswith("enum:") else spec
    return f"type.googleapis.com/google.apps.sheets.v4.{name}"


def violations(message: str, doc: dict[str, Any], path: str = "") -> list[Violation]:
    """Every unknown field and wrongly typed value in ``doc`` read as a ``message``."""
    fields = SCHEMA[message]
    found: list[Violation] = []
    for name, value in doc.items():
        if name not in fields:
            where = f" at '{path}'" if path else ""
            found.append(Violation(path, f'Invalid JSON payload received. Unknown name "{name}"{where}: '
                                         "Cannot find field."))
            continue
        found += _check_value(fields[name], value, _join(path, name))
    return found


def deprecated_uses(message: str, doc: Any, path: str = "") -> list[str]:
    """Paths of the deprecated fields ``doc`` sets, e.g.
    ``requests[0].repeatCell.cell.userEnteredFormat.backgroundColor``."""
    if not isinstance(doc, dict):
        return []
    fields, found = SCHEMA[message], []
    for name, value in doc.items():
        spec = fields.get(name, "")
        where = f"{path}.{name}" if path else name
        if (message, name) in DEPRECATED and value is not None:
            found.append(where)
        inner = spec.strip("[]")
        if inner in SCHEMA:
            items = value if spec.startswith("[") and isinstance(value, list) else [value]
            for i, item in enumerate(items):
                found += deprecated_uses(inner, item, f"{where}[{i}]" if spec.startswith("[") else where)
    return found


def mask_mentions_deprecated(mask: str) -> list[str]:
    """Deprecated field names in a field mask (``userEnteredFormat(backgroundColor)``)."""
    names = set(re.findall(r"[A-Za-z]+", mask))
    return sorted({field for (_, field) in DEPRECATED if field in names})
