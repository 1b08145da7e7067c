namespace EdgeJobs.Catalog.Expressions;

/// <summary>A formula that does not parse, with the 1-based column where the problem is.</summary>
public sealed class ExpressionException(string reason, int column)
    : Exception($"{reason} at column {column}")
{
    public string Reason { get; } = reason;

    public int Column { get; } = column;
}
