namespace EdgeJobs.Catalog.Expressions;

/// <summary>
/// A parsed band-math expression over <c>b1..bN</c>. Values are float32; comparisons and logic give
/// 1 or 0, and a condition is true when it is non-zero (as in numpy, which <c>gdal_calc.py</c> uses).
/// </summary>
public abstract record Expr
{
    /// <summary>The 1-based band numbers the expression reads, ascending, each once.</summary>
    public IReadOnlyList<int> Bands()
    {
        var bands = new SortedSet<int>();
        Collect(this, bands);
        return [.. bands];

        static void Collect(Expr e, SortedSet<int> bands)
        {
            switch (e)
            {
                case BandRef b:
                    bands.Add(b.Band);
                    break;
                case UnaryExpr u:
                    Collect(u.Operand, bands);
                    break;
                case BinaryExpr b:
                    Collect(b.Left, bands);
                    Collect(b.Right, bands);
                    break;
                case ConditionalExpr c:
                    Collect(c.Condition, bands);
                    Collect(c.WhenTrue, bands);
                    Collect(c.WhenFalse, bands);
                    break;
            }
        }
    }
}

public sealed record NumberExpr(float Value) : Expr;

/// <summary>Band <see cref="Band"/> (1-based) of the input.</summary>
public sealed record BandRef(int Band) : Expr;

public sealed record UnaryExpr(UnaryOp Op, Expr Operand) : Expr;

public sealed record BinaryExpr(BinaryOp Op, Expr Left, Expr Right) : Expr;

/// <summary><c>c ? a : b</c>, also written <c>where(c, a, b)</c>.</summary>
public sealed record ConditionalExpr(Expr Condition, Expr WhenTrue, Expr WhenFalse) : Expr;

public enum UnaryOp
{
    Negate,
    Not,
    Abs,
    Sqrt,
}

public enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Min,
    Max,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}
