namespace EdgeJobs.Coordinator.Ledger;

/// <summary>A value to bind to a <see cref="RawStatement"/> parameter, without boxing: null, an integer, a real or text.</summary>
internal readonly struct SqlValue
{
    private SqlValue(SqlValueKind kind, long integer = 0, double real = 0, string? text = null)
    {
        Kind = kind;
        Integer = integer;
        Real = real;
        Text = text;
    }

    public SqlValueKind Kind { get; }

    public long Integer { get; }

    public double Real { get; }

    public string? Text { get; }

    public static implicit operator SqlValue(long value) => new(SqlValueKind.Integer, integer: value);

    public static implicit operator SqlValue(long? value) => value is { } v ? (SqlValue)v : default(SqlValue);

    public static implicit operator SqlValue(int value) => new(SqlValueKind.Integer, integer: value);

    public static implicit operator SqlValue(int? value) => value is { } v ? (SqlValue)v : default(SqlValue);

    public static implicit operator SqlValue(double value) => new(SqlValueKind.Real, real: value);

    public static implicit operator SqlValue(double? value) => value is { } v ? (SqlValue)v : default(SqlValue);

    public static implicit operator SqlValue(string? value) => value is null ? default : new(SqlValueKind.Text, text: value);
}

internal enum SqlValueKind : byte
{
    Null,
    Integer,
    Real,
    Text,
}
