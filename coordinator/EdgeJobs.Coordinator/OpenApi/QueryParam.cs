using Microsoft.OpenApi;

namespace EdgeJobs.Coordinator.OpenApi;

/// <summary>
/// A query parameter a handler reads itself (from <c>HttpContext</c>, to refuse unknown ones and say why), which the
/// document generator cannot see in its signature: declared on the route with <c>.Query(…)</c>.
/// </summary>
internal sealed record QueryParam(string Name, JsonSchemaType Type, string Description, bool Required = false)
{
    public static QueryParam Text(string name, string description, bool required = false) => new(name, JsonSchemaType.String, description, required);

    public static QueryParam Integer(string name, string description) => new(name, JsonSchemaType.Integer, description);

    /// <summary><c>limit</c>: a page's size.</summary>
    public static QueryParam Limit(int byDefault, int max = 1000) => Integer("limit", $"at most this many (1-{max}, default {byDefault})");

    /// <summary><c>cursor</c>: where the next page starts.</summary>
    public static QueryParam Cursor(string what) => Text("cursor", $"the previous page's next_cursor ({what}); absent for the first page");

    /// <summary><c>org</c>, as <c>Api/OrgChoice</c> reads it.</summary>
    public static readonly QueryParam Org = Text("org", "the org; an org token may name only its own, a global token any (default: the token's own, or `default`)");
}
