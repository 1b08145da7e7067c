#!/usr/bin/python3
"""A small OPeNDAP (DAP2) server for the NetCDF files under a directory, on loopback, for tests.

Why it exists: the nc-to-geotiff tool can read its input over OPeNDAP (`opendap: true`), which goes through GDAL's
netCDF driver and libnetcdf's DAP2 client. Debian ships no DAP server (no pydap, Hyrax or THREDDS), so the tests
serve the repository's sample files with this script instead.

Usage: dap2_server.py ROOT_DIR

It binds 127.0.0.1 on an ephemeral port, prints one line `http://127.0.0.1:PORT/` once it is listening and serves
until killed. The dataset `ROOT_DIR/a/b.nc` is `http://127.0.0.1:PORT/a/b.nc`; a client appends `.dds`, `.das` or
`.dods` (optionally with a constraint expression after `?`, e.g. `tas[2:1:2][0:1:32][0:1:80],time`). Each request
is logged to stderr.

What is served is what GDAL's multidimensional API reads from the file: the root group's arrays, with their
dimensions, data types and attributes. Every array is a DAP2 Array (never a Grid); libnetcdf rebuilds shared
dimensions from the dimension names. Types DAP2 cannot carry (64-bit integers, compound types) are left out, with
a warning on stderr.
"""
import concurrent.futures
import email.utils
import http.server
import os
import re
import signal
import struct
import sys
import typing
import urllib.parse

import numpy as np
from osgeo import gdal
from osgeo import gdal_array

gdal.UseExceptions()

# GDAL numeric type -> (DAP2 type, XDR encoding of an array's elements). DAP2 sends 16-bit integers as 32-bit
# XDR integers but still declares them Int16/UInt16, and packs Byte arrays as opaque bytes.
DAP_TYPES = {
    gdal.GDT_Byte: ("Byte", ">u1"),
    gdal.GDT_Int16: ("Int16", ">i4"),
    gdal.GDT_UInt16: ("UInt16", ">u4"),
    gdal.GDT_Int32: ("Int32", ">i4"),
    gdal.GDT_UInt32: ("UInt32", ">u4"),
    gdal.GDT_Float32: ("Float32", ">f4"),
    gdal.GDT_Float64: ("Float64", ">f8"),
}
if hasattr(gdal, "GDT_Int8"):
    # DAP2 has no signed byte; Int16 holds every value. (GDAL before 3.7 has no Int8 and reports NC_BYTE as
    # Int16 itself; Hyrax promotes NC_BYTE to Int16 the same way.)
    DAP_TYPES[gdal.GDT_Int8] = ("Int16", ">i4")

UNSIGNED = ("Byte", "UInt16", "UInt32")

SUFFIXES = (".dds", ".das", ".dods", ".ver")

# Characters a DAP2 identifier may hold unescaped (the DAP2 specification, with '.' and '/' which libnetcdf's
# lexer accepts); anything else is sent %-escaped, as libdap's id2www does.
NAME_SAFE = re.compile(r"[A-Za-z0-9_!~*'\-+./]")

VERSION_TEXT = "Core version: DAP/2.0\nServer version: dap2_server/1.0\n"


class DapError(Exception):
    """A failure reported to the client as a DAP2 Error object with this HTTP status."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class Variable:
    """One root-group array: its DAP2 declaration, its attributes and the GDAL array to read from."""

    def __init__(self, name, dap_type, wire, dims, attributes, array):
        self.name = name
        self.dap_type = dap_type
        self.wire = wire  # numpy dtype of the XDR elements; None for strings
        self.dims = dims  # [(name, size)]
        self.attributes = attributes
        self.array = array


class Dataset:
    """A NetCDF file as DAP2 sees it. Holds the GDAL dataset so the arrays stay valid."""

    def __init__(self, path, name):
        self.name = name
        self.mtime = os.path.getmtime(path)
        self.gdal_dataset = gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER)
        root = self.gdal_dataset.GetRootGroup()
        self.global_attributes = read_attributes(root, "NC_GLOBAL")
        self.variables = []
        # SHOW_ALL also lists what GDAL hides by default, such as scalar grid-mapping variables, which a client
        # needs to georeference the data.
        for array_name in root.GetMDArrayNames(["SHOW_ALL=YES"]) or []:
            variable = read_variable(root.OpenMDArray(array_name))
            if variable is not None:
                self.variables.append(variable)

    def variable(self, name):
        for variable in self.variables:
            if variable.name == name:
                return variable
        raise DapError(404, f"No such variable: {name}")


WARNED = set()


def warn(message):
    """Says once (not on every request for the file) that something could not be served."""
    if message not in WARNED:
        WARNED.add(message)
        print(f"dap2_server: warning: {message}", file=sys.stderr, flush=True)


def read_variable(array):
    """A Variable for a GDAL array, or None (with a warning) when DAP2 has no type for it."""
    name = array.GetName()
    data_type = array.GetDataType()
    if data_type.GetClass() == gdal.GEDTC_STRING:
        dap_type, wire = "String", None
    elif data_type.GetClass() == gdal.GEDTC_NUMERIC and data_type.GetNumericDataType() in DAP_TYPES:
        dap_type, wire = DAP_TYPES[data_type.GetNumericDataType()]
    else:
        type_name = gdal.GetDataTypeName(data_type.GetNumericDataType())
        warn(f"{array.GetFullName()} left out: DAP2 has no type for {type_name}")
        return None
    dims = [(dim.GetName(), dim.GetSize()) for dim in array.GetDimensions()]
    # SHOW_ALL brings back the attributes GDAL otherwise turns into properties (_FillValue, scale_factor,
    # add_offset, units, ...); a netCDF client needs them as attributes.
    attributes = read_attributes(array, name)
    if dap_type in UNSIGNED and not any(attribute[1] == "_Unsigned" for attribute in attributes):
        # libnetcdf turns a DAP2 dataset into a classic-model one, where Byte, UInt16 and UInt32 become the
        # signed NC_BYTE, NC_SHORT and NC_INT; `_Unsigned = "true"` is the classic convention (which THREDDS
        # follows too) that lets clients such as GDAL read them back as unsigned.
        attributes.append(("String", "_Unsigned", [quote("true")]))
    return Variable(name, dap_type, wire, dims, attributes, array)


def read_attributes(holder, owner):
    """[(DAP2 type, name, [value text])] for the attributes of a group or an array."""
    attributes = []
    for attribute in holder.GetAttributes(["SHOW_ALL=YES"]) or []:
        data_type = attribute.GetDataType()
        if data_type.GetClass() == gdal.GEDTC_STRING:
            values = [quote(value or "") for value in attribute.ReadAsStringArray()]
            attributes.append(("String", attribute.GetName(), values))
        elif data_type.GetClass() == gdal.GEDTC_NUMERIC and data_type.GetNumericDataType() in DAP_TYPES:
            numeric = data_type.GetNumericDataType()
            values = np.frombuffer(attribute.ReadAsRaw(), gdal_array.GDALTypeCodeToNumericTypeCode(numeric))
            attributes.append((DAP_TYPES[numeric][0], attribute.GetName(), [number_text(value) for value in values]))
        else:
            warn(f"attribute {owner}:{attribute.GetName()} left out: DAP2 has no type for it")
    return attributes


def quote(text):
    """A DAS string literal; libdap escapes only the quote and the backslash."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def number_text(value):
    """An attribute number as text libnetcdf parses back to the same value (it reads floats with %lg)."""
    if np.issubdtype(value.dtype, np.integer):
        return str(int(value))
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    # repr of the exact double: a Float32 value survives the trip through double unchanged.
    return repr(float(value))


def dap_name(name):
    """A name as a DAP2 identifier."""
    return "".join(c if NAME_SAFE.match(c) else "".join(f"%{b:02X}" for b in c.encode()) for c in name)


# --- Constraint expressions -------------------------------------------------------------------------------

def parse_constraint(dataset, query):
    """{variable name: [(start, stride, stop)] or None for all of it} for a DAP2 projection list.

    An empty query projects every variable. Selections (`&...`) have no meaning for plain arrays and are
    refused rather than ignored, so a client never gets more data than it asked for without knowing.
    """
    projections, _, selections = query.partition("&")
    if selections:
        raise DapError(400, f"Selections are not supported: &{selections}")
    if not projections.strip():
        return {variable.name: None for variable in dataset.variables}
    requested = {}
    for projection in split_projections(projections):
        name, slabs = parse_projection(projection)
        variable = dataset.variable(name)
        requested[name] = check_slabs(variable, slabs)
    return requested


def split_projections(text):
    # Commas separate projections; a DAP2 hyperslab holds none.
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_projection(projection):
    match = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", projection)
    if not match:
        raise DapError(400, f"Malformed projection: {projection}")
    name = match.group(1).strip()
    slabs = [parse_slab(text, projection) for text in re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    return name, slabs


def parse_slab(text, projection):
    """(start, stride, stop) for `[i]`, `[start:stop]` or `[start:stride:stop]`; stop is inclusive."""
    try:
        numbers = [int(part) for part in text.split(":")]
    except ValueError:
        raise DapError(400, f"Malformed hyperslab [{text}] in {projection}") from None
    if len(numbers) == 1:
        return numbers[0], 1, numbers[0]
    if len(numbers) == 2:
        return numbers[0], 1, numbers[1]
    if len(numbers) == 3:
        return tuple(numbers)
    raise DapError(400, f"Malformed hyperslab [{text}] in {projection}")


def check_slabs(variable, slabs):
    if not slabs:
        return None
    if len(slabs) != len(variable.dims):
        raise DapError(400, f"{variable.name} has {len(variable.dims)} dimensions, not {len(slabs)}")
    for (start, stride, stop), (dim, size) in zip(slabs, variable.dims):
        if stride < 1 or start < 0 or stop < start or stop >= size:
            raise DapError(400, f"[{start}:{stride}:{stop}] does not fit {variable.name}'s {dim} of size {size}")
    return slabs


def whole(variable):
    return [(0, 1, size - 1) for _, size in variable.dims]


def slab_count(start, stride, stop):
    return (stop - start) // stride + 1


# --- Responses --------------------------------------------------------------------------------------------

def dds_text(dataset, requested=None):
    """The DDS; with `requested`, the constrained DDS that heads a .dods response (variables in dataset order,
    dimensions shrunk to the hyperslab)."""
    lines = ["Dataset {"]
    for variable in dataset.variables:
        if requested is not None and variable.name not in requested:
            continue
        slabs = (requested or {}).get(variable.name) or whole(variable)
        shape = "".join(f"[{dap_name(dim)} = {slab_count(*slab)}]" for (dim, _), slab in zip(variable.dims, slabs))
        lines.append(f"    {variable.dap_type} {dap_name(variable.name)}{shape};")
    lines.append(f"}} {dap_name(dataset.name)};")
    return "\n".join(lines) + "\n"


def das_text(dataset):
    lines = ["Attributes {"]
    containers = [(variable.name, variable.attributes) for variable in dataset.variables]
    containers.append(("NC_GLOBAL", dataset.global_attributes))
    for owner, attributes in containers:
        lines.append(f"    {dap_name(owner)} {{")
        for dap_type, name, values in attributes:
            if values:  # DAS has no empty attribute
                lines.append(f"        {dap_type} {dap_name(name)} {', '.join(values)};")
        lines.append("    }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dods_body(dataset, requested):
    """The constrained DDS, the data mark, then each projected variable in XDR, in DDS order."""
    parts = [dds_text(dataset, requested).encode(), b"Data:\n"]
    for variable in dataset.variables:
        if variable.name in requested:
            parts.append(xdr_variable(variable, requested[variable.name] or whole(variable)))
    return b"".join(parts)


def xdr_variable(variable, slabs):
    if variable.wire is None:
        return xdr_strings(variable, slabs)
    if not variable.dims:
        # A scalar carries no count, and a scalar Byte takes a whole XDR unit like any other integer.
        wire = ">u4" if variable.wire == ">u1" else variable.wire
        return np.asarray(variable.array.ReadAsArray(), dtype=wire).tobytes()
    start = [s for s, _, _ in slabs]
    step = [stride for _, stride, _ in slabs]
    count = [slab_count(*slab) for slab in slabs]
    values = variable.array.ReadAsArray(array_start_idx=start, count=count, array_step=step)
    payload = np.ascontiguousarray(values, dtype=variable.wire).tobytes()
    # An XDR array: the element count twice (libdap's own length, then xdr_array's), then the elements;
    # Byte arrays are opaque, padded to a whole XDR unit.
    payload += b"\0" * (-len(payload) % 4)
    return struct.pack(">II", values.size, values.size) + payload


def xdr_strings(variable, slabs):
    if not variable.dims:
        return xdr_string(variable.array.Read())
    start = [s for s, _, _ in slabs]
    step = [stride for _, stride, _ in slabs]
    count = [slab_count(*slab) for slab in slabs]
    values = variable.array.Read(array_start_idx=start, count=count, array_step=step)
    # String arrays carry their count once, then each string.
    return struct.pack(">I", len(values)) + b"".join(xdr_string(value) for value in values)


def xdr_string(text):
    data = (text or "").encode()
    return struct.pack(">I", len(data)) + data + b"\0" * (-len(data) % 4)


def error_text(code, message):
    return f'Error {{\n    code = {code};\n    message = {quote(message)};\n}};\n'


# --- HTTP ---------------------------------------------------------------------------------------------------

def resolve(root, relative):
    """The file a request names, refusing anything that would leave the served directory."""
    if relative.startswith("/") or "\\" in relative or ".." in relative.split("/") or "\0" in relative:
        raise DapError(400, f"Bad dataset path: {relative}")
    path = os.path.realpath(os.path.join(root, relative))
    if os.path.commonpath([path, root]) != root or not os.path.isfile(path):
        raise DapError(404, f"No such dataset: {relative}")
    return path


def open_dataset(root, relative):
    path = resolve(root, relative)
    try:
        return Dataset(path, os.path.basename(path))
    except RuntimeError as error:  # GDAL could not read it as a multidimensional dataset
        raise DapError(404, f"Not a dataset: {relative} ({error})") from None


class Response(typing.NamedTuple):
    status: int
    body: bytes
    content_type: str
    description: str  # the Content-Description DAP2 clients look at: dods-dds, dods-das, dods-data, dods-error
    last_modified: typing.Optional[float] = None


def respond(root, request_path):
    """The Response to a GET of `request_path` (path and query, as sent)."""
    try:
        return dap_response(root, request_path)
    except DapError as error:
        return Response(error.code, error_text(error.code, error.message).encode(), "text/plain", "dods-error")
    except Exception as error:  # pylint: disable=broad-except  # a client always gets a DAP2 answer
        print(f"dap2_server: error: {error!r}", file=sys.stderr, flush=True)
        return Response(500, error_text(500, str(error)).encode(), "text/plain", "dods-error")


def dap_response(root, request_path):
    url = urllib.parse.urlsplit(request_path)
    path = urllib.parse.unquote(url.path).lstrip("/")
    # libnetcdf %-escapes the brackets of a constraint (`tas%5b2%5d...`).
    query = urllib.parse.unquote(url.query)
    if path in ("version", "version/"):
        return Response(200, VERSION_TEXT.encode(), "text/plain", "dods-version")
    suffix = next((s for s in SUFFIXES if path.endswith(s)), None)
    if suffix is None:
        raise DapError(400, f"Ask for {path}.dds, .das or .dods")
    relative = path[: -len(suffix)]
    if suffix == ".ver":
        resolve(root, relative)
        return Response(200, VERSION_TEXT.encode(), "text/plain", "dods-version")
    dataset = open_dataset(root, relative)
    if suffix == ".das":
        return Response(200, das_text(dataset).encode(), "text/plain", "dods-das", dataset.mtime)
    if suffix == ".dds":
        requested = parse_constraint(dataset, query) if query else None
        return Response(200, dds_text(dataset, requested).encode(), "text/plain", "dods-dds", dataset.mtime)
    body = dods_body(dataset, parse_constraint(dataset, query))
    return Response(200, body, "application/octet-stream", "dods-data", dataset.mtime)


# Every GDAL call runs on this one thread. HDF5 keeps its error-printing switch per thread, and libnetcdf turns
# printing off only in the thread that first opens a file: NetCDF-4 files opened from other request threads
# fill stderr with HDF5-DIAG traces of harmless failed attribute look-ups (seen with Debian 12's libnetcdf 4.9.0
# and HDF5 1.10.8). GDAL serialises its netCDF access with a lock anyway, so this costs no concurrency.
GDAL_THREAD = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="gdal")


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 so libcurl can keep the connection alive between the .das, .dds and .dods requests; every
    # response therefore carries a Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "dap2_server/1.0"
    root = None  # set by main()

    def do_GET(self):
        self.reply(GDAL_THREAD.submit(respond, self.root, self.path).result())

    do_HEAD = do_GET

    def reply(self, response):
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Description", response.description)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("XDODS-Server", "dods/3.2")
        self.send_header("XOPeNDAP-Server", self.server_version)
        self.send_header("XDAP", "2.0")
        if response.last_modified is not None:
            self.send_header("Last-Modified", email.utils.formatdate(response.last_modified, usegmt=True))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        print(f"dap2_server: {self.address_string()} {format % args}", file=sys.stderr, flush=True)


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print("usage: dap2_server.py ROOT_DIR", file=sys.stderr)
        return 2
    Handler.root = os.path.realpath(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    # SIGTERM is how the tests stop the server; leave through SystemExit so the socket is closed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
