using EdgeJobs.Catalog.Expressions;

namespace EdgeJobs.Agent.Kernels;

/// <summary>
/// A band-math expression compiled to a list of whole-vector instructions over slots: the bands it reads,
/// its constants, and temporaries. Evaluation runs each instruction over a chunk of pixels small enough
/// to stay in L1, then moves to the next chunk; constant subtrees are folded when compiling. The scalar
/// forms of the same operators fold constants, so a folded and an evaluated term agree bit for bit.
/// One program is shared by all threads; each thread brings its own scratch from <see cref="CreateScratch"/>.
/// </summary>
public sealed class ExpressionProgram
{
    /// <summary>Pixels per chunk: a few slots of this many floats fit in L1.</summary>
    public const int ChunkSize = 1024;

    private readonly Instruction[] _instructions;
    private readonly (int Slot, float Value)[] _constants;
    private readonly int _resultSlot;
    private readonly int _tempSlots;

    private ExpressionProgram(IReadOnlyList<int> bands, Instruction[] instructions, (int Slot, float Value)[] constants, int resultSlot, int tempSlots)
    {
        Bands = bands;
        _instructions = instructions;
        _constants = constants;
        _resultSlot = resultSlot;
        _tempSlots = tempSlots;
    }

    /// <summary>The 1-based bands the expression reads, in the order <see cref="Evaluate"/> expects their rows.</summary>
    public IReadOnlyList<int> Bands { get; }

    public static ExpressionProgram Compile(Expr expression)
    {
        var folded = Fold(expression);
        var bands = folded.Bands();
        var compiler = new Compiler(bands);
        var result = compiler.Emit(folded);
        return new ExpressionProgram(bands, [.. compiler.Instructions], [.. compiler.Constants], result, compiler.SlotCount - bands.Count);
    }

    /// <summary>Per-thread working memory, with the constants already in place.</summary>
    public float[] CreateScratch()
    {
        var scratch = new float[Math.Max(1, _tempSlots) * ChunkSize];
        foreach (var (slot, value) in _constants)
        {
            scratch.AsSpan((slot - Bands.Count) * ChunkSize, ChunkSize).Fill(value);
        }

        return scratch;
    }

    /// <summary>
    /// Evaluates <paramref name="length"/> pixels: <paramref name="bandRows"/>[k] holds the pixels of
    /// <see cref="Bands"/>[k]. No allocation.
    /// </summary>
    public void Evaluate(ReadOnlySpan<float[]> bandRows, int length, Span<float> destination, float[] scratch)
    {
        if (bandRows.Length != Bands.Count)
        {
            throw new ArgumentException($"the expression reads {Bands.Count} bands; got rows for {bandRows.Length}", nameof(bandRows));
        }

        for (var offset = 0; offset < length; offset += ChunkSize)
        {
            var n = Math.Min(ChunkSize, length - offset);
            foreach (var instruction in _instructions)
            {
                var d = Slot(bandRows, scratch, instruction.Destination, offset, n);
                var a = Slot(bandRows, scratch, instruction.A, offset, n);
                switch (instruction.Code)
                {
                    case OpCode.Unary:
                        Unary(instruction.Unary, a, d);
                        break;
                    case OpCode.Binary:
                        Binary(instruction.Binary, a, Slot(bandRows, scratch, instruction.B, offset, n), d);
                        break;
                    case OpCode.Select:
                        PixelKernel.Select(a, Slot(bandRows, scratch, instruction.B, offset, n), Slot(bandRows, scratch, instruction.C, offset, n), d);
                        break;
                }
            }

            Slot(bandRows, scratch, _resultSlot, offset, n).CopyTo(destination.Slice(offset, n));
        }
    }

    private Span<float> Slot(ReadOnlySpan<float[]> bandRows, float[] scratch, int slot, int offset, int n) =>
        slot < Bands.Count ? bandRows[slot].AsSpan(offset, n) : scratch.AsSpan((slot - Bands.Count) * ChunkSize, n);

    private static void Unary(UnaryOp op, ReadOnlySpan<float> a, Span<float> d)
    {
        switch (op)
        {
            case UnaryOp.Negate: PixelKernel.Apply<NegateOperator>(a, d); break;
            case UnaryOp.Not: PixelKernel.Apply<NotOperator>(a, d); break;
            case UnaryOp.Abs: PixelKernel.Apply<AbsOperator>(a, d); break;
            case UnaryOp.Sqrt: PixelKernel.Apply<SqrtOperator>(a, d); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    private static void Binary(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> d)
    {
        switch (op)
        {
            case BinaryOp.Add: PixelKernel.Apply<AddOperator>(a, b, d); break;
            case BinaryOp.Subtract: PixelKernel.Apply<SubtractOperator>(a, b, d); break;
            case BinaryOp.Multiply: PixelKernel.Apply<MultiplyOperator>(a, b, d); break;
            case BinaryOp.Divide: PixelKernel.Apply<DivideOperator>(a, b, d); break;
            case BinaryOp.Min: PixelKernel.Apply<MinOperator>(a, b, d); break;
            case BinaryOp.Max: PixelKernel.Apply<MaxOperator>(a, b, d); break;
            case BinaryOp.Less: PixelKernel.Apply<LessOperator>(a, b, d); break;
            case BinaryOp.LessOrEqual: PixelKernel.Apply<LessOrEqualOperator>(a, b, d); break;
            case BinaryOp.Greater: PixelKernel.Apply<GreaterOperator>(a, b, d); break;
            case BinaryOp.GreaterOrEqual: PixelKernel.Apply<GreaterOrEqualOperator>(a, b, d); break;
            case BinaryOp.Equal: PixelKernel.Apply<EqualOperator>(a, b, d); break;
            case BinaryOp.NotEqual: PixelKernel.Apply<NotEqualOperator>(a, b, d); break;
            case BinaryOp.And: PixelKernel.Apply<AndOperator>(a, b, d); break;
            case BinaryOp.Or: PixelKernel.Apply<OrOperator>(a, b, d); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, null);
        }
    }

    /// <summary>The scalar value of an operator: the reference the vector forms must equal, and the constant folder.</summary>
    public static float Scalar(UnaryOp op, float a) => op switch
    {
        UnaryOp.Negate => NegateOperator.Invoke(a),
        UnaryOp.Not => NotOperator.Invoke(a),
        UnaryOp.Abs => AbsOperator.Invoke(a),
        UnaryOp.Sqrt => SqrtOperator.Invoke(a),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <inheritdoc cref="Scalar(UnaryOp, float)"/>
    public static float Scalar(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => AddOperator.Invoke(a, b),
        BinaryOp.Subtract => SubtractOperator.Invoke(a, b),
        BinaryOp.Multiply => MultiplyOperator.Invoke(a, b),
        BinaryOp.Divide => DivideOperator.Invoke(a, b),
        BinaryOp.Min => MinOperator.Invoke(a, b),
        BinaryOp.Max => MaxOperator.Invoke(a, b),
        BinaryOp.Less => LessOperator.Invoke(a, b),
        BinaryOp.LessOrEqual => LessOrEqualOperator.Invoke(a, b),
        BinaryOp.Greater => GreaterOperator.Invoke(a, b),
        BinaryOp.GreaterOrEqual => GreaterOrEqualOperator.Invoke(a, b),
        BinaryOp.Equal => EqualOperator.Invoke(a, b),
        BinaryOp.NotEqual => NotEqualOperator.Invoke(a, b),
        BinaryOp.And => AndOperator.Invoke(a, b),
        BinaryOp.Or => OrOperator.Invoke(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    private static Expr Fold(Expr e)
    {
        switch (e)
        {
            case UnaryExpr u:
                var operand = Fold(u.Operand);
                return operand is NumberExpr n ? new NumberExpr(Scalar(u.Op, n.Value)) : u with { Operand = operand };
            case BinaryExpr b:
                var (left, right) = (Fold(b.Left), Fold(b.Right));
                return left is NumberExpr l && right is NumberExpr r ? new NumberExpr(Scalar(b.Op, l.Value, r.Value)) : b with { Left = left, Right = right };
            case ConditionalExpr c:
                var condition = Fold(c.Condition);
                var (whenTrue, whenFalse) = (Fold(c.WhenTrue), Fold(c.WhenFalse));
                return condition is NumberExpr k ? (k.Value != 0 ? whenTrue : whenFalse) : new ConditionalExpr(condition, whenTrue, whenFalse);
            default:
                return e;
        }
    }

    private enum OpCode : byte
    {
        Unary,
        Binary,
        Select,
    }

    private readonly record struct Instruction(OpCode Code, UnaryOp Unary, BinaryOp Binary, int Destination, int A, int B, int C);

    /// <summary>Post-order emission; a temporary is reused once the instruction that reads it has run.</summary>
    private sealed class Compiler(IReadOnlyList<int> bands)
    {
        private readonly Stack<int> _free = new();
        private readonly Dictionary<int, int> _constantSlots = [];

        public List<Instruction> Instructions { get; } = [];

        public List<(int Slot, float Value)> Constants { get; } = [];

        public int SlotCount { get; private set; } = bands.Count;

        public int Emit(Expr e)
        {
            switch (e)
            {
                case BandRef band:
                    return IndexOf(band.Band);
                case NumberExpr number:
                    return Constant(number.Value);
                case UnaryExpr u:
                {
                    var a = Emit(u.Operand);
                    Release(a);
                    var d = Temp();
                    Instructions.Add(new Instruction(OpCode.Unary, u.Op, default, d, a, 0, 0));
                    return d;
                }

                case BinaryExpr b:
                {
                    var a = Emit(b.Left);
                    var c = Emit(b.Right);
                    Release(a);
                    Release(c);
                    var d = Temp();
                    Instructions.Add(new Instruction(OpCode.Binary, default, b.Op, d, a, c, 0));
                    return d;
                }

                case ConditionalExpr c:
                {
                    var condition = Emit(c.Condition);
                    var whenTrue = Emit(c.WhenTrue);
                    var whenFalse = Emit(c.WhenFalse);
                    Release(condition);
                    Release(whenTrue);
                    Release(whenFalse);
                    var d = Temp();
                    Instructions.Add(new Instruction(OpCode.Select, default, default, d, condition, whenTrue, whenFalse));
                    return d;
                }

                default:
                    throw new ArgumentException($"unknown expression node {e.GetType().Name}", nameof(e));
            }
        }

        private int IndexOf(int band)
        {
            for (var i = 0; i < bands.Count; i++)
            {
                if (bands[i] == band)
                {
                    return i;
                }
            }

            throw new ArgumentException($"band {band} is not among the expression's bands", nameof(band));
        }

        private int Constant(float value)
        {
            // Keyed by bits, so -0 and 0 keep their own slots.
            if (!_constantSlots.TryGetValue(BitConverter.SingleToInt32Bits(value), out var slot))
            {
                slot = SlotCount++;
                _constantSlots[BitConverter.SingleToInt32Bits(value)] = slot;
                Constants.Add((slot, value));
            }

            return slot;
        }

        private int Temp() => _free.Count > 0 ? _free.Pop() : SlotCount++;

        /// <summary>Temporaries only: bands and constants are never overwritten.</summary>
        private void Release(int slot)
        {
            if (slot >= bands.Count && !Constants.Exists(c => c.Slot == slot) && !_free.Contains(slot))
            {
                _free.Push(slot);
            }
        }
    }
}
