using System.Globalization;

namespace EdgeJobs.Catalog.Expressions;

/// <summary>
/// Parses band math: numbers, <c>b1..bN</c>, <c>+ - * /</c>, parentheses, comparisons
/// (<c>&lt; &lt;= &gt; &gt;= == !=</c>), <c>&amp;&amp; || !</c>, <c>c ? a : b</c>, and the functions
/// <c>min(a, b, ...)</c>, <c>max(a, b, ...)</c>, <c>abs(a)</c>, <c>sqrt(a)</c>, <c>where(c, a, b)</c>.
/// Precedence, loosest first: <c>?:</c>, <c>||</c>, <c>&amp;&amp;</c>, comparisons, <c>+ -</c>,
/// <c>* /</c>, unary <c>- !</c>. Names are case-insensitive. Size and nesting are bounded, so a
/// hostile formula cannot exhaust the stack of the coordinator that checks it or the agent that runs it.
/// </summary>
public sealed class ExpressionParser
{
    public const int MaxLength = 2000;
    public const int MaxDepth = 64;
    public const int MaxNodes = 500;
    public const int MaxBand = 65535;

    private readonly string _text;
    private int _pos;
    private int _depth;
    private int _nodes;

    private ExpressionParser(string text) => _text = text;

    /// <exception cref="ExpressionException">The formula does not parse; the message says where and why.</exception>
    public static Expr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ExpressionException($"the formula is longer than {MaxLength} characters", MaxLength + 1);
        }

        var parser = new ExpressionParser(text);
        parser.SkipSpace();
        if (parser.AtEnd)
        {
            throw new ExpressionException("the formula is empty", 1);
        }

        var expr = parser.ParseConditional();
        parser.SkipSpace();
        return parser.AtEnd ? expr : throw parser.Error($"unexpected '{parser._text[parser._pos]}'");
    }

    private bool AtEnd => _pos >= _text.Length;

    private Expr ParseConditional()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"the formula nests deeper than {MaxDepth} levels");
        }

        var condition = ParseOr();
        if (Accept("?"))
        {
            var whenTrue = ParseConditional();
            Expect(":");
            var whenFalse = ParseConditional();
            condition = Node(new ConditionalExpr(condition, whenTrue, whenFalse));
        }

        _depth--;
        return condition;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Accept("||"))
        {
            left = Node(new BinaryExpr(BinaryOp.Or, left, ParseAnd()));
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseComparison();
        while (Accept("&&"))
        {
            left = Node(new BinaryExpr(BinaryOp.And, left, ParseComparison()));
        }

        return left;
    }

    private Expr ParseComparison()
    {
        var left = ParseAdditive();
        // Two-character operators first, so "<=" is not read as "<" then "=".
        BinaryOp? op = Accept("<=") ? BinaryOp.LessOrEqual
            : Accept(">=") ? BinaryOp.GreaterOrEqual
            : Accept("==") ? BinaryOp.Equal
            : Accept("!=") ? BinaryOp.NotEqual
            : Accept("<") ? BinaryOp.Less
            : Accept(">") ? BinaryOp.Greater
            : null;
        if (op is null)
        {
            return left;
        }

        var right = ParseAdditive();
        if (Peek("<") || Peek(">") || Peek("==") || Peek("!="))
        {
            throw Error("comparisons do not chain; combine them with && (e.g. b1 > 0 && b1 < 10)");
        }

        return Node(new BinaryExpr(op.Value, left, right));
    }

    private Expr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (true)
        {
            if (Accept("+"))
            {
                left = Node(new BinaryExpr(BinaryOp.Add, left, ParseMultiplicative()));
            }
            else if (Accept("-"))
            {
                left = Node(new BinaryExpr(BinaryOp.Subtract, left, ParseMultiplicative()));
            }
            else
            {
                return left;
            }
        }
    }

    private Expr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (true)
        {
            if (Accept("*"))
            {
                left = Node(new BinaryExpr(BinaryOp.Multiply, left, ParseUnary()));
            }
            else if (Accept("/"))
            {
                left = Node(new BinaryExpr(BinaryOp.Divide, left, ParseUnary()));
            }
            else
            {
                return left;
            }
        }
    }

    private Expr ParseUnary()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"the formula nests deeper than {MaxDepth} levels");
        }

        Expr result;
        if (Accept("-"))
        {
            var operand = ParseUnary();
            result = operand is NumberExpr n ? Node(new NumberExpr(-n.Value)) : Node(new UnaryExpr(UnaryOp.Negate, operand));
        }
        else if (Accept("+"))
        {
            result = ParseUnary();
        }
        else if (!Peek("!=") && Accept("!"))
        {
            result = Node(new UnaryExpr(UnaryOp.Not, ParseUnary()));
        }
        else
        {
            result = ParsePrimary();
        }

        _depth--;
        return result;
    }

    private Expr ParsePrimary()
    {
        SkipSpace();
        if (AtEnd)
        {
            throw Error("the formula ends where a value was expected");
        }

        var c = _text[_pos];
        if (c == '(')
        {
            _pos++;
            var inner = ParseConditional();
            Expect(")");
            return inner;
        }

        if (char.IsAsciiDigit(c) || c == '.')
        {
            return ParseNumber();
        }

        if (char.IsAsciiLetter(c))
        {
            var start = _pos;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
            {
                _pos++;
            }

            var name = _text[start.._pos];
            var lower = name.ToLowerInvariant();
            if (lower.Length > 1 && lower[0] == 'b' && lower.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0)
            {
                if (!int.TryParse(lower.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var band) || band < 1 || band > MaxBand)
                {
                    throw Error($"'{name}' is not a band; bands are b1..b{MaxBand}", start);
                }

                return Node(new BandRef(band));
            }

            return ParseCall(name, lower, start);
        }

        throw Error($"unexpected '{c}'");
    }

    private Expr ParseCall(string name, string lower, int start)
    {
        var arity = lower switch
        {
            "abs" or "sqrt" => (Min: 1, Max: 1),
            "min" or "max" => (Min: 2, Max: 64),
            "where" => (Min: 3, Max: 3),
            _ => throw Error($"unknown name '{name}'; use b1..bN for bands and the functions min, max, abs, sqrt, where", start),
        };
        if (!Accept("("))
        {
            throw Error($"'{name}' is a function: write {lower}(...)");
        }

        var args = new List<Expr> { ParseConditional() };
        while (Accept(","))
        {
            args.Add(ParseConditional());
        }

        Expect(")");
        if (args.Count < arity.Min || args.Count > arity.Max)
        {
            var expected = arity.Min == arity.Max ? $"{arity.Min}" : $"{arity.Min} to {arity.Max}";
            throw Error($"{lower}() takes {expected} arguments, not {args.Count}", start);
        }

        return lower switch
        {
            "abs" => Node(new UnaryExpr(UnaryOp.Abs, args[0])),
            "sqrt" => Node(new UnaryExpr(UnaryOp.Sqrt, args[0])),
            "where" => Node(new ConditionalExpr(args[0], args[1], args[2])),
            _ => args.Skip(1).Aggregate(args[0], (acc, next) => Node(new BinaryExpr(lower == "min" ? BinaryOp.Min : BinaryOp.Max, acc, next))),
        };
    }

    private Expr ParseNumber()
    {
        var start = _pos;
        while (!AtEnd && (char.IsAsciiDigit(_text[_pos]) || _text[_pos] == '.'))
        {
            _pos++;
        }

        if (!AtEnd && (_text[_pos] is 'e' or 'E'))
        {
            _pos++;
            if (!AtEnd && (_text[_pos] is '+' or '-'))
            {
                _pos++;
            }

            while (!AtEnd && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
        }

        var literal = _text[start.._pos];
        if (!double.TryParse(literal, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"'{literal}' is not a number", start);
        }

        if (!AtEnd && char.IsAsciiLetter(_text[_pos]))
        {
            throw Error($"a number cannot run into a name ('{literal}{_text[_pos]}'); write an operator between them");
        }

        var single = (float)value;
        return float.IsFinite(single) ? Node(new NumberExpr(single)) : throw Error($"'{literal}' is outside the float32 range", start);
    }

    private T Node<T>(T node) where T : Expr =>
        ++_nodes > MaxNodes ? throw Error($"the formula has more than {MaxNodes} terms") : node;

    private bool Peek(string token)
    {
        SkipSpace();
        return string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0;
    }

    private bool Accept(string token)
    {
        if (!Peek(token))
        {
            return false;
        }

        _pos += token.Length;
        return true;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw AtEnd ? Error($"missing '{token}' at the end") : Error($"expected '{token}' but found '{_text[_pos]}'");
        }
    }

    private void SkipSpace()
    {
        while (!AtEnd && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private ExpressionException Error(string reason, int? at = null) => new(reason, (at ?? _pos) + 1);
}
