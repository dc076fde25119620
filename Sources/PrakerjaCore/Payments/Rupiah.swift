/// Integer rupiah. Money never appears as a floating-point number anywhere in PrakerjaSim.
public typealias Rupiah = Int64
