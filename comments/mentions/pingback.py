"""The XML-RPC endpoint for Pingback 1.0, at /xmlrpc/ and WordPress's /xmlrpc.php.

Every answer is an XML-RPC response with status 200, a fault when anything is wrong: hostile
XML (entities, DTDs, oversized or malformed documents), unknown methods and wrong parameters
get the fault codes of the XML-RPC fault code interoperability spec, failed pings those of the
Pingback spec (comments.mentions.FAULTS).
"""

import logging
import xmlrpc.client

from defusedxml.xmlrpc import DefusedExpatParser
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from blog import xmltext
from blog.ratelimit import client_ip
from comments.mentions import services as mentions
from comments.mentions import sources

logger = logging.getLogger(__name__)

PARSE_ERROR, NO_METHOD, BAD_PARAMS = -32700, -32601, -32602
REGISTERED = "Pingback from {source} to {target} registered. Keep the web talking! :-)"
QUEUED = "Pingback from {source} to {target} received; it will be verified shortly."


class XMLRPCError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def loads(data: bytes) -> tuple[tuple, str | None]:
    """An XML-RPC document's (params, method name), parsed with defusedxml's protections.

    No DTD at all, so no entity can be declared (billion laughs) nor fetched (XXE). Raises
    xmlrpc.client.Fault for a fault response, and anything else for a bad document.
    """
    unmarshaller = xmlrpc.client.Unmarshaller()
    parser = DefusedExpatParser(unmarshaller, forbid_dtd=True)
    parser.feed(data)
    parser.close()
    return unmarshaller.close(), unmarshaller.getmethodname()


def dumps_fault(code: int, message: str) -> str:
    """An XML-RPC fault response document (text) with only characters XML 1.0 allows."""
    fault = xmlrpc.client.Fault(code, xmltext.xml_clean(message, drop=True))
    return xmlrpc.client.dumps(fault, methodresponse=True)


def _strings(params, count: int) -> tuple[str, ...]:
    if len(params) != count or not all(isinstance(value, str) for value in params):
        raise XMLRPCError(BAD_PARAMS, f"This method takes {count} string parameter(s).")
    return params


def pingback_ping(request, params):
    """Cheap checks here; the source is fetched by a task (no outbound HTTP in a request), and
    the answer waits for its verdict, so the other blog still reads faults 16 and 17. Only
    PINGBACK_WAITERS answers wait at once across the site (sources.waiting_slot); the others
    say "received" at once, and the task verifies them all the same."""
    source, target = _strings(params, 2)
    if sources.source_rate_limited(source):
        raise sources.MentionError(49, "Too many pings from this site; try again later.")
    queued = mentions.pingback_accept(source=source, target=target, ip=client_ip(request))
    with sources.waiting_slot() as may_wait:
        if not may_wait:  # enough answers wait already: this one is verified later, unwatched
            return QUEUED.format(source=source, target=target)
        decided = mentions.pingback_await(request_id=queued.pk, timeout=settings.PINGBACK_WAIT)
    if decided.status == decided.Status.REJECTED:
        raise sources.MentionError(decided.fault, decided.detail)
    if decided.status == decided.Status.QUEUED:
        return QUEUED.format(source=source, target=target)
    return REGISTERED.format(source=source, target=target)


def get_pingbacks(request, params):
    (target,) = _strings(params, 1)
    return mentions.pingback_sources(target)


def list_methods(request, params):
    return sorted(METHODS)


METHODS = {
    "pingback.ping": pingback_ping,
    "pingback.extensions.getPingbacks": get_pingbacks,
    "system.listMethods": list_methods,
}


def read_body(request) -> bytes | None:
    """The request body, or None when it is larger than PING_MAX_BODY (never read in full)."""
    cap = settings.PING_MAX_BODY
    try:
        if int(request.META.get("CONTENT_LENGTH") or 0) > cap:
            return None
    except ValueError:
        return None
    body = request.read(cap + 1)
    return None if len(body) > cap else body


def call(request, body: bytes):
    """The result of the call in body; XMLRPCError or MentionError when it failed."""
    try:
        params, method = loads(body)
    except Exception:  # any way a document can be bad: expat, defusedxml, types, sizes
        raise XMLRPCError(PARSE_ERROR, "Parse error: not a well-formed XML-RPC call.") from None
    handler = METHODS.get(method)
    if handler is None:
        raise XMLRPCError(NO_METHOD, "Server error: the requested method does not exist.")
    return handler(request, params)


@csrf_exempt
def xmlrpc_endpoint(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"], "XML-RPC server accepts POST requests only.")
    if sources.ip_rate_limited(client_ip(request)):
        answer = dumps_fault(49, "Too many requests from this address; try again later.")
    elif (body := read_body(request)) is None:
        answer = dumps_fault(PARSE_ERROR, "The request is too large.")
    else:
        answer = _answer(request, body)
    return HttpResponse(answer, content_type="text/xml; charset=utf-8")


def _answer(request, body: bytes) -> str:
    try:
        result = call(request, body)
    except (XMLRPCError, sources.MentionError) as error:
        return dumps_fault(error.code, str(error))
    except Exception:  # never a 500 for the other blog: log it and say something generic
        logger.exception("XML-RPC call failed")
        return dumps_fault(0, "The request could not be processed.")
    return xmlrpc.client.dumps(
        (xmltext.xml_clean(result, drop=True),), methodresponse=True, allow_none=False
    )
